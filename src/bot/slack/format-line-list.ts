import type { Matrix } from '../../config/matrix-schema.js';
import type { JobStore } from '../../pipeline/job-store.js';
import type { LineTemplates } from '../../pipeline/template-operations.js';
import { escapeMrkdwn, formatUtc } from './slack-text.js';

const code = (name: string | null) => (name ? `\`${escapeMrkdwn(name)}\`` : 'none');

/**
 * The answer to `/image list`: per line, the current template, `-prev`, the
 * last build (from the job store) and the last promotion (from the template
 * store). A line whose templates could not be read says why.
 *
 * @example
 * formatLineList(matrix, store, new Map([['ubuntu-24.04', templates]]))
 */
export function formatLineList(matrix: Matrix, store: JobStore, templates: ReadonlyMap<string, LineTemplates | Error>): string {
  const notes = new Set<string>();
  const lines = matrix.map((entry) => {
    const found = templates.get(entry.key);
    const lastBuild = store.list({ line: entry.key, limit: 1 })[0];
    const build = lastBuild ? `job ${lastBuild.id} ${lastBuild.state} ${formatUtc(lastBuild.finishedAt ?? lastBuild.startedAt ?? lastBuild.createdAt)}` : 'never built';
    let facts: string;
    if (found instanceof Error) facts = `templates unknown: ${escapeMrkdwn(found.message)}`;
    else if (!found || found.note) {
      if (found?.note) notes.add(found.note);
      facts = 'templates unknown';
    } else {
      const promotion = found.lastPromotion
        ? `${found.lastPromotion.kind} ${formatUtc(found.lastPromotion.at)} by ${escapeMrkdwn(found.lastPromotion.by)}${found.lastPromotion.pullRequest ? ` (<${found.lastPromotion.pullRequest}|PR>)` : ''}`
        : 'never promoted';
      facts = `current ${code(found.current)} · prev ${code(found.previous)}${found.candidate ? ` · awaiting promotion ${code(found.candidate)}` : ''} · last promotion: ${promotion}`;
    }
    const aliases = entry.aliases.length > 0 ? ` (${entry.aliases.map(escapeMrkdwn).join(', ')})` : '';
    return `• *${escapeMrkdwn(entry.key)}*${aliases}${entry.enabled ? '' : ' _not in "all"_'}: ${facts} · last build: ${build}`;
  });
  return [`*Lines* (${matrix.length})`, ...lines, ...[...notes].map((note) => `_${escapeMrkdwn(note)}_`)].join('\n');
}
