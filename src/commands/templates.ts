import type { Settings } from '../config/settings.js';
import type { LoadedConfig } from '../config/load-config.js';
import { listLineTemplates, type LineTemplates } from '../pipeline/stores/list-line-templates.js';

/**
 * The templates of each line as a table: role, name, the store's reference
 * (a managed object reference, an inode), creation time (and where it came
 * from), under the location of each store.
 *
 * @example
 * formatTemplates(await listLineTemplates({ config, settings }))
 */
export function formatTemplates(lines: readonly LineTemplates[]): string {
  const rows: string[][] = [['LINE', 'ROLE', 'NAME', 'REFERENCE', 'CREATED']];
  const sources = new Set<string>();
  for (const line of lines) {
    if (line.templates.length === 0) rows.push([line.line, '-', `(none: no ${line.baseName}, -prev or -build)`, '', '']);
    line.templates.forEach((template, index) => {
      if (template.createdFrom) sources.add(template.createdFrom);
      rows.push([index === 0 ? line.line : '', template.role, template.name, template.ref, template.createdAt ?? 'unknown']);
    });
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const table = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd()).join('\n');
  const locations = [...new Map(lines.map((line) => [`${line.platform} ${line.location}`, line])).values()];
  const where = locations.map((line) => `${line.platform}: ${line.location}\n`).join('');
  const note = sources.size > 0 ? `\ncreated: from ${[...sources].join(' or ')}${sources.has('config.modified') ? ' (vcsim sets no config.createDate; config.modified is the clone time and survives renames)' : ''}` : '';
  return `${where}${table}${note}\n`;
}

/** `goldsmith templates [line] [--json]`: each line's templates on its platform (`<base>`, `-prev`, `-build`, rolled-back ones) with creation times. */
export async function templatesCommand(config: LoadedConfig, settings: Settings, selector: string | undefined, options: { json?: boolean }, stdout: NodeJS.WritableStream): Promise<number> {
  const lines = await listLineTemplates({ config, settings, selector });
  stdout.write(options.json ? `${JSON.stringify(lines, null, 2)}\n` : formatTemplates(lines));
  return 0;
}
