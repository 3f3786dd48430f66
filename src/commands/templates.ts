import type { Settings } from '../config/settings.js';
import type { LoadedConfig } from '../config/load-config.js';
import { loadMatrix } from '../config/load-matrix.js';
import { describeLineHealth, readLineHealth, type LineHealth } from '../evidence/read-line-health.js';
import { listLineTemplates, type LineTemplates } from '../pipeline/stores/list-line-templates.js';

/** The live template of each listed line, as the records say: its build, age, limit, revocation. */
function liveOf(health: LineHealth | undefined) {
  if (!health?.live) return null;
  return {
    build: health.live.build.record,
    promotion: health.live.promotion,
    finished_at: health.live.run?.finished_at ?? null,
    age_days: health.ageDays ?? null,
    max_age_days: health.maxAgeDays ?? null,
    expired: health.expired,
    revoked: health.revoked ? { record: health.revoked.record, reason: health.revoked.run.reason } : null,
  };
}

/**
 * The closing lines about live templates: each line's live build and age,
 * and a flag on those revoked or older than their max_age_days.
 *
 * @example
 * formatLiveTemplates(health) // 'live templates (from the records):\n  ubuntu-24.04  builds/…  9 days old (max 30)\n'
 */
export function formatLiveTemplates(health: readonly LineHealth[]): string {
  const live = health.filter((line) => line.live);
  if (live.length === 0) return '';
  const rows = live.map((line) => {
    const age = line.ageDays === undefined ? 'age unknown' : `${line.ageDays} days old${line.maxAgeDays !== undefined ? ` (max_age_days ${line.maxAgeDays})` : ''}`;
    const flag = describeLineHealth(line) ? `  ${[line.revoked ? 'REVOKED' : '', line.expired ? 'EXPIRED' : ''].filter(Boolean).join(', ')}` : '';
    return `  ${line.line}  ${line.live!.build.record}  ${age}${flag}`;
  });
  const notes = live.flatMap((line) => (describeLineHealth(line) ? [`${describeLineHealth(line)}`] : []));
  return `\nlive templates (the build each line's newest promotion record names; age from its finished time):\n${rows.join('\n')}\n${notes.map((note) => `warning: ${note}\n`).join('')}`;
}

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

/**
 * `goldsmith templates [line] [--json]`: each line's templates on its platform (`<base>`, `-prev`, `-build`, rolled-back ones) with creation times,
 * then each live template's build and age from the records, flagged when revoked or older than the line's max_age_days.
 */
export async function templatesCommand(config: LoadedConfig, settings: Settings, selector: string | undefined, options: { json?: boolean }, stdout: NodeJS.WritableStream): Promise<number> {
  const lines = await listLineTemplates({ config, settings, selector });
  const matrix = loadMatrix(config.packer.matrix);
  const now = new Date();
  const health = lines.flatMap((line) => {
    const entry = matrix.find((candidate) => candidate.key === line.line);
    return entry ? [readLineHealth(config.records, entry, now)] : [];
  });
  const byLine = new Map(health.map((line) => [line.line, line]));
  stdout.write(
    options.json
      ? `${JSON.stringify(lines.map((line) => ({ ...line, live: liveOf(byLine.get(line.line)) })), null, 2)}\n`
      : `${formatTemplates(lines)}${formatLiveTemplates(health)}`,
  );
  return 0;
}
