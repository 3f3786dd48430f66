import type { LoadedConfig } from '../../config/load-config.js';
import { loadMatrix } from '../../config/load-matrix.js';
import type { MatrixEntry } from '../../config/matrix-schema.js';
import { selectLines } from '../../config/select-lines.js';
import type { Settings } from '../../config/settings.js';
import { findStoreLine } from './find-store-line.js';
import { openTemplateStore, TEMPLATE_PLATFORMS, templatePlatformOf } from './registry.js';
import { ROLE_ORDER, roleOf, type TemplateRole } from './template-names.js';
import type { TemplateDetails } from './template-store.js';

export interface LineTemplate extends TemplateDetails {
  role: TemplateRole;
}

/** One line's templates in its store. */
export interface LineTemplates {
  line: string;
  baseName: string;
  platform: string;
  /** The store's location: the templates folder, the image directory. */
  location: string;
  /** `<base>`, `<base>-prev`, `<base>-build`, then rolled-back ones, oldest name first; absent ones are left out. */
  templates: LineTemplate[];
}

/**
 * Lists the templates of the lines with a template store (all of them, or
 * the one `selector` names) with their creation times, each line on its own
 * platform: one listing of each store, then one description per template.
 *
 * @example
 * const [line] = await listLineTemplates({ config, settings, selector: 'sim-ubuntu-24.04' });
 * line.templates.map((t) => `${t.role} ${t.name} ${t.createdAt}`);
 */
export async function listLineTemplates(options: { config: LoadedConfig; settings: Settings; selector?: string | undefined }): Promise<LineTemplates[]> {
  const { config, settings } = options;
  const entries: MatrixEntry[] = options.selector
    ? selectLines(loadMatrix(config.packer.matrix), options.selector).map((entry) => findStoreLine(config, entry.key))
    : loadMatrix(config.packer.matrix).filter((entry) => templatePlatformOf(entry.platform));
  if (entries.length === 0) throw new Error(`the matrix names no line with a template store (platform ${Object.keys(TEMPLATE_PLATFORMS).map((name) => `"${name}"`).join(' or ')} in ${config.packer.matrix})`);
  const lines: LineTemplates[] = [];
  for (const platform of [...new Set(entries.map((entry) => entry.platform))]) {
    const store = openTemplateStore(platform, { config, settings });
    try {
      const refs = await store.list();
      for (const entry of entries.filter((candidate) => candidate.platform === platform)) {
        const templates: LineTemplate[] = [];
        for (const ref of refs) {
          const role = roleOf(entry.base_name, ref.name);
          const details = role ? await store.describe(ref) : undefined;
          if (role && details) templates.push({ ...details, role });
        }
        templates.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.name.localeCompare(b.name));
        lines.push({ line: entry.key, baseName: entry.base_name, platform, location: store.location, templates });
      }
    } finally {
      store.close();
    }
  }
  // In matrix order, whatever the platforms.
  return entries.map((entry) => lines.find((line) => line.line === entry.key)!);
}
