import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory, replaceFileAtomically } from '../../../evidence/sync-fs.js';
import type { TemplateRef } from '../template-store.js';

/** An image's file, and the files beside it that belong to it. */
export const IMAGE_SUFFIX = '.qcow2';
export const SUM_SUFFIX = '.sha256';
export const METADATA_SUFFIX = '.images.yaml';

/** The file names of the template `name`: `<name>.qcow2`, `<name>.sha256`, `<name>.images.yaml`. */
export const imageFileOf = (name: string) => `${name}${IMAGE_SUFFIX}`;

/** What a rename under way was doing: written before it starts, removed once it is done. */
interface RenameIntent {
  ref: string;
  from: string;
  to: string;
}

/**
 * The reference of an image: its inode, and its birth time where the file
 * system keeps one, so a number reused by a later file never matches. Both
 * survive renames within the folder.
 */
function refOf(stats: Stats): string {
  return stats.birthtimeMs > 0 ? `inode:${stats.ino}/${Math.round(stats.birthtimeMs)}` : `inode:${stats.ino}`;
}

/** `<hex>  <file>` with the file name replaced: `sha256sum -c` then checks the file under its new name. */
function renameInSums(text: string, file: string): string {
  const match = /^([0-9a-f]{64})\s+\*?.*$/m.exec(text);
  return match ? `${match[1]}  ${file}\n` : text;
}

/**
 * One image directory: each template is `<name>.qcow2` with `<name>.sha256`
 * (`sha256sum` format, naming the image) and `<name>.images.yaml` beside it.
 * Templates are found by name and acted on by reference (the image's inode).
 *
 * A rename moves the sidecars first and the image last, so the image's name
 * (what `nameOf` reports) changes last; an intent file (`.rename-<inode>.json`)
 * written first lets `settle` bring the sidecars to the image after a crash
 * cut a rename short, whichever way the journal then goes. Every change is
 * followed by an fsync of the directory. Every operation is logged.
 *
 * @example
 * const dir = new ImageDirectory('/srv/images', (text) => append(text));
 * const build = dir.find('debian-12-build');
 * if (build) dir.rename(build.ref, 'debian-12');
 */
export class ImageDirectory {
  constructor(
    readonly path: string,
    private readonly log: ((text: string) => void) | undefined,
  ) {}

  note(text: string): void {
    this.log?.(`${text}\n`);
  }

  /** Every image directly in the folder (none when the folder does not exist). */
  list(): TemplateRef[] {
    if (!existsSync(this.path)) return [];
    return readdirSync(this.path)
      .filter((file) => file.endsWith(IMAGE_SUFFIX) && !file.startsWith('.'))
      .flatMap((file) => {
        const found = this.find(file.slice(0, -IMAGE_SUFFIX.length));
        return found ? [found] : [];
      });
  }

  /** The image named `name`, or undefined. Refuses anything but a plain file there (a link could point anywhere). */
  find(name: string): TemplateRef | undefined {
    const path = join(this.path, imageFileOf(name));
    let stats: Stats;
    try {
      stats = lstatSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if (!stats.isFile()) throw new Error(`${path} is not a plain file (${stats.isSymbolicLink() ? 'a symbolic link' : 'a folder or device'}); goldsmith keeps images as plain files: move it away and retry`);
    return { ref: refOf(stats), name, path };
  }

  /** The current name of `ref`, or undefined when no image has it. */
  nameOf(ref: string): string | undefined {
    return this.list().find((image) => image.ref === ref)?.name;
  }

  stat(ref: TemplateRef): Stats | undefined {
    const found = this.find(ref.name);
    return found?.ref === ref.ref ? lstatSync(found.path) : undefined;
  }

  /** Renames the image `ref` and its sidecars to `newName`, which must be free. */
  rename(ref: string, newName: string): void {
    this.settle(ref);
    const current = this.nameOf(ref);
    if (current === undefined) throw new Error(`no image in ${this.path} is ${ref} any more: it was removed`);
    if (current === newName) return;
    if (this.find(newName)) throw new Error(`${imageFileOf(newName)} already exists in ${this.path}`);
    // With no image of that name, sidecars of that name belong to nothing: they must not pass for this image's.
    for (const suffix of [SUM_SUFFIX, METADATA_SUFFIX]) {
      const orphan = join(this.path, `${newName}${suffix}`);
      if (existsSync(orphan)) this.act(`rm ${newName}${suffix} (left without its image)`, () => rmSync(orphan));
    }
    this.writeIntent({ ref, from: current, to: newName });
    this.moveSidecars(current, newName);
    fsyncDirectory(this.path);
    this.act(`rename ${imageFileOf(current)} ${imageFileOf(newName)}`, () => renameSync(join(this.path, imageFileOf(current)), join(this.path, imageFileOf(newName))));
    fsyncDirectory(this.path);
    this.removeIntent(ref);
  }

  /** Removes the image `ref` and its sidecars (the sidecars first: the image going is the step's end). */
  destroy(ref: string): void {
    this.settle(ref);
    const name = this.nameOf(ref);
    if (name === undefined) return;
    for (const suffix of [SUM_SUFFIX, METADATA_SUFFIX]) {
      const sidecar = join(this.path, `${name}${suffix}`);
      if (existsSync(sidecar)) this.act(`rm ${name}${suffix}`, () => rmSync(sidecar));
    }
    fsyncDirectory(this.path);
    this.act(`rm ${imageFileOf(name)}`, () => rmSync(join(this.path, imageFileOf(name))));
    fsyncDirectory(this.path);
  }

  /** Brings the sidecars a crashed rename of `ref` left behind to the image, wherever it is now. */
  settle(ref: string): void {
    const intent = this.readIntent(ref);
    if (!intent) return;
    const current = this.nameOf(ref);
    if (current !== undefined) {
      this.note(`# finishing an interrupted rename of ${ref} (${intent.from} to ${intent.to}): its sidecars follow ${imageFileOf(current)}`);
      for (const other of [intent.from, intent.to]) if (other !== current) this.moveSidecars(other, current);
      fsyncDirectory(this.path);
    }
    this.removeIntent(ref);
  }

  /** Moves `<from>.sha256` (rewritten to name the new image file) and `<from>.images.yaml` to `<to>.*`, where present and not already there. */
  private moveSidecars(from: string, to: string): void {
    const metadata = [join(this.path, `${from}${METADATA_SUFFIX}`), join(this.path, `${to}${METADATA_SUFFIX}`)] as const;
    if (existsSync(metadata[0]) && !existsSync(metadata[1])) this.act(`rename ${from}${METADATA_SUFFIX} ${to}${METADATA_SUFFIX}`, () => renameSync(...metadata));
    const sums = [join(this.path, `${from}${SUM_SUFFIX}`), join(this.path, `${to}${SUM_SUFFIX}`)] as const;
    if (existsSync(sums[0]) && !existsSync(sums[1])) {
      // Written anew (atomically) before the old one goes: a crash in between leaves both, and the next settle removes the old.
      this.act(`rename ${from}${SUM_SUFFIX} ${to}${SUM_SUFFIX} (naming ${imageFileOf(to)})`, () => {
        replaceFileAtomically(sums[1], renameInSums(readFileSync(sums[0], 'utf8'), imageFileOf(to)));
        rmSync(sums[0]);
      });
    } else if (existsSync(sums[0]) && existsSync(sums[1]) && this.readIntentFor(from, to)) {
      this.act(`rm ${from}${SUM_SUFFIX} (already written as ${to}${SUM_SUFFIX})`, () => rmSync(sums[0]));
    }
  }

  private intentPath(ref: string): string {
    return join(this.path, `.rename-${ref.replace(/[^0-9A-Za-z]+/g, '-')}.json`);
  }

  private writeIntent(intent: RenameIntent): void {
    replaceFileAtomically(this.intentPath(intent.ref), `${JSON.stringify(intent)}\n`);
  }

  private readIntent(ref: string): RenameIntent | undefined {
    const path = this.intentPath(ref);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RenameIntent) : undefined;
  }

  /** True when some rename under way moves `from` to `to` (so a second `<from>.sha256` is the one already moved). */
  private readIntentFor(from: string, to: string): boolean {
    return readdirSync(this.path)
      .filter((file) => file.startsWith('.rename-') && file.endsWith('.json'))
      .some((file) => {
        const intent = JSON.parse(readFileSync(join(this.path, file), 'utf8')) as RenameIntent;
        return (intent.from === from && intent.to === to) || (intent.from === to && intent.to === from);
      });
  }

  private removeIntent(ref: string): void {
    rmSync(this.intentPath(ref), { force: true });
    fsyncDirectory(this.path);
  }

  private act(what: string, run: () => void): void {
    const started = Date.now();
    try {
      run();
      this.log?.(`${new Date().toISOString()} $ ${what}\n[ok, ${Date.now() - started} ms]\n`);
    } catch (error) {
      this.log?.(`${new Date().toISOString()} $ ${what}\n${(error as Error).message}\n[failed, ${Date.now() - started} ms]\n`);
      throw error;
    }
  }
}
