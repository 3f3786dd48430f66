import type { Govc } from './govc.js';

/** One VM or template in the templates folder, identified by its managed object reference. */
export interface FolderObject {
  /** Managed object reference, such as `VirtualMachine:vm-92`: stable across renames, unlike the name. */
  moref: string;
  name: string;
  path: string;
}

export interface FolderObjectInfo extends FolderObject {
  template: boolean;
  /** ISO 8601 UTC, or null when vCenter reports neither time. */
  createdAt: string | null;
  /** Which property `createdAt` came from: vCenter sets `config.createDate`; vcsim only `config.modified`. */
  createdFrom: 'config.createDate' | 'config.modified' | null;
}

const GONE = /ManagedObjectNotFound|managed object not found/i;

/** `2026-11-24 09:47:52.161163176 +0000 UTC` (Go's time format) as ISO 8601 UTC. */
function parseGoTime(text: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? ([+-]\d{2})(\d{2})/.exec(text.trim());
  if (!match) return null;
  const millis = (match[3] ?? '.0').slice(0, 4).padEnd(4, '0');
  const date = new Date(`${match[1]}T${match[2]}${millis}${match[4]}:${match[5]}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The templates folder of one vCenter, through govc. Objects are found by
 * path (`govc ls`), never by `config.name` (vcsim keeps the old name there
 * after a rename), and acted on by managed object reference, so a rename or
 * destroy can never hit a second object of the same name. Missing paths are
 * recognised by empty output: govc exits 0 for them.
 *
 * @example
 * const folder = new VsphereFolder(govc, '/DC0/vm/Templates');
 * const build = await folder.find('tpl-ubuntu-24.04-build');
 * if (build) await folder.rename(build.moref, 'tpl-ubuntu-24.04');
 */
export class VsphereFolder {
  constructor(
    private readonly govc: Govc,
    readonly folder: string,
  ) {}

  /** The VMs and templates directly in the folder (none when the folder does not exist). */
  async list(): Promise<FolderObject[]> {
    const { stdout } = await this.govc.run(['ls', '-l', '-i', this.folder]);
    return stdout
      .split('\n')
      .map((line) => /^(VirtualMachine:\S+) (.+)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ moref: match[1]!, path: match[2]!, name: match[2]!.slice(match[2]!.lastIndexOf('/') + 1) }))
      .filter((ref) => ref.path === `${this.folder}/${ref.name}`);
  }

  /**
   * The object named `name` in the folder, or undefined. Throws when the
   * folder holds more than one (vCenter allows that when their files lie in
   * different datastore folders), naming them and the fix.
   */
  async find(name: string): Promise<FolderObject | undefined> {
    const path = `${this.folder}/${name}`;
    const { stdout } = await this.govc.run(['ls', '-l', '-i', path]);
    const matches = stdout
      .split('\n')
      .map((line) => /^(VirtualMachine:\S+) (.+)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null && match[2] === path)
      .map((match) => ({ moref: match[1]!, name, path }));
    if (matches.length > 1) {
      throw new Error(
        `${matches.length} objects are named ${path} (${matches.map((ref) => ref.moref).join(', ')}); goldsmith will not guess which one is meant. ` +
          `Rename or destroy the extra one (govc object.rename ${matches[1]!.moref} ${name}-duplicate) and retry`,
      );
    }
    return matches[0];
  }

  /** The current name of an object, or undefined when it no longer exists. */
  async nameOf(moref: string): Promise<string | undefined> {
    // Only "not found" means gone: anything else (vCenter unreachable, a timeout) raises.
    const result = await this.govc.run(['object.collect', '-s', moref, 'name'], { tolerate: GONE });
    return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
  }

  /** Name, template flag and creation time of an object, or undefined when it no longer exists. */
  async describe(ref: Pick<FolderObject, 'moref' | 'path'>): Promise<FolderObjectInfo | undefined> {
    const result = await this.govc.run(['object.collect', ref.moref, 'name', 'config.template', 'config.createDate', 'config.modified'], { tolerate: GONE });
    if (result.exitCode !== 0) return undefined;
    // Rows are "<property>  <type>  <value>"; a property vCenter left unset has no row at all.
    const values = new Map<string, string>();
    for (const line of result.stdout.split('\n')) {
      const match = /^(\S+)\s+\S+\s+(.*)$/.exec(line.trim());
      if (match) values.set(match[1]!, match[2]!.trim());
    }
    const created = parseGoTime(values.get('config.createDate') ?? '');
    const modified = parseGoTime(values.get('config.modified') ?? '');
    const name = values.get('name') ?? ref.path.slice(ref.path.lastIndexOf('/') + 1);
    return {
      moref: ref.moref,
      name,
      path: `${this.folder}/${name}`,
      template: values.get('config.template') === 'true',
      createdAt: created ?? modified,
      createdFrom: created ? 'config.createDate' : modified ? 'config.modified' : null,
    };
  }

  /** Renames an object; the new name must be free in the folder (vCenter refuses duplicates). */
  async rename(moref: string, newName: string): Promise<void> {
    await this.govc.run(['object.rename', moref, newName]);
  }

  /** Destroys an object and its files (by reference: `vm.destroy` by path would destroy every object of that name). */
  async destroy(moref: string): Promise<void> {
    await this.govc.run(['object.destroy', moref]);
  }

  /** Marks a powered-off VM of the folder as a template. */
  async markAsTemplate(name: string): Promise<void> {
    await this.govc.run(['vm.markastemplate', `${this.folder}/${name}`]);
  }
}
