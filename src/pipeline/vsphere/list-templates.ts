import type { LoadedConfig } from '../../config/load-config.js';
import { loadMatrix } from '../../config/load-matrix.js';
import { selectLines } from '../../config/select-lines.js';
import { findInfraBinary } from './find-infra-binary.js';
import { Govc } from './govc.js';
import { readVsphereConnection } from './read-vsphere-connection.js';
import { ROLLED_BACK_INFIX, templateNamesOf } from './template-names.js';
import { TemplateStore, type TemplateInfo } from './template-store.js';
import type { Settings } from '../../config/settings.js';

export type TemplateRole = 'base' | 'prev' | 'build' | 'rolled back';

export interface LineTemplate extends TemplateInfo {
  role: TemplateRole;
}

/** One line's templates in the folder. */
export interface LineTemplates {
  line: string;
  baseName: string;
  folder: string;
  /** `<base>`, `<base>-prev`, `<base>-build`, then rolled-back ones, oldest name first; absent ones are left out. */
  templates: LineTemplate[];
}

const ROLE_ORDER: TemplateRole[] = ['base', 'prev', 'build', 'rolled back'];

/**
 * Lists the templates of the vSphere lines (all of them, or those `selector`
 * names) with their creation times: one `govc ls` of the folder, then one
 * `object.collect` per template. Creation time is `config.createDate` where
 * vCenter sets it, else `config.modified` (vcsim sets only that; it is the
 * clone time and survives renames).
 *
 * @example
 * const [line] = await listTemplates({ config, settings, selector: 'sim-ubuntu-24.04' });
 * line.templates.map((t) => `${t.role} ${t.name} ${t.createdAt}`);
 */
export async function listTemplates(options: { config: LoadedConfig; settings: Settings; selector?: string | undefined }): Promise<LineTemplates[]> {
  const matrix = loadMatrix(options.config.packer.matrix);
  const entries = (options.selector ? selectLines(matrix, options.selector) : matrix).filter((entry) => entry.platform === 'vsphere');
  if (entries.length === 0) throw new Error(`${options.selector ?? 'the matrix'} names no vSphere line (platform "vsphere" in ${options.config.packer.matrix})`);
  const connection = readVsphereConnection(options.settings.govc(), options.config);
  const govc = new Govc({ connection, binary: findInfraBinary('govc', options.settings.paths) });
  try {
    const store = new TemplateStore(govc, connection.folder);
    const refs = await store.list();
    const lines: LineTemplates[] = [];
    for (const entry of entries) {
      const names = templateNamesOf(entry.base_name);
      const roleOf = (name: string): TemplateRole | undefined =>
        name === names.base ? 'base' : name === names.prev ? 'prev' : name === names.build ? 'build' : name.startsWith(`${names.base}${ROLLED_BACK_INFIX}`) ? 'rolled back' : undefined;
      const templates: LineTemplate[] = [];
      for (const ref of refs) {
        const role = roleOf(ref.name);
        const info = role ? await store.describe(ref) : undefined;
        if (role && info) templates.push({ ...info, role });
      }
      templates.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.name.localeCompare(b.name));
      lines.push({ line: entry.key, baseName: entry.base_name, folder: connection.folder, templates });
    }
    return lines;
  } finally {
    govc.close();
  }
}
