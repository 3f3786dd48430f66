import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { README_FILE, SUMS_FILE } from '../../evidence/layout.js';
import { RECORDS_DIR } from './plan-records-tree.js';

export interface PullRequestText {
  title: string;
  body: string;
}

export interface RenderPullRequestOptions {
  /** The local records root. */
  root: string;
  /** The build record, `builds/<line>/<ts>`. */
  record: string;
  line: string;
  /** SHA-256 of the record's SHA256SUMS. */
  sumsSha256: string;
  approvalsRequired: number;
  approveOnReview: boolean;
}

/** GitHub refuses bodies over 65536 characters; a README never comes close, but a cut one must still carry the binding. */
const MAX_README = 50_000;

/** The machine-readable binding in the body: the one place goldsmith reads the approved digest from. */
const BINDING = /<!-- goldsmith:record=([A-Za-z0-9./-]+) sha256=([0-9a-f]{64}) -->/;

/**
 * Title and body of a promotion pull request: the record README's heading and
 * text, then the SHA-256 of its SHA256SUMS, which an approval binds to, and
 * how to approve, reject or roll back. The digest is also written as an HTML
 * comment that `readBodyBinding` reads back.
 *
 * @example
 * const { title, body } = renderPullRequest({ root: 'records', record: 'builds/ubuntu-24.04/20261124T090300Z', line: 'ubuntu-24.04', sumsSha256, approvalsRequired: 1, approveOnReview: false });
 */
export function renderPullRequest(options: RenderPullRequestOptions): PullRequestText {
  const readme = readFileSync(join(options.root, options.record, README_FILE), 'utf8');
  const [first = '', ...rest] = readme.split('\n');
  const heading = first.replace(/^#+\s*/, '').trim() || `Build record ${options.record}`;
  const text = rest.join('\n').trim();
  const needed = options.approvalsRequired === 1 ? 'one person' : `${options.approvalsRequired} different people`;
  const body = [
    `Evidence record \`${RECORDS_DIR}/${options.record}\`, as its README states it:`,
    '',
    '> ' + (text.length > MAX_README ? `${text.slice(0, MAX_README)}\n\n(README cut here; read it in the record)` : text).split('\n').join('\n> '),
    '',
    '## Approval',
    '',
    `The record's \`${SUMS_FILE}\` has SHA-256`,
    '',
    `    ${options.sumsSha256}`,
    '',
    'An approval binds to this digest: if the record\'s files in this pull request no longer hash to it, goldsmith refuses to promote and says so.',
    '',
    `- **Promote**: comment \`/promote\` (alone on the first line). It needs ${needed} with write, maintain or admin access who did not request the build${options.approveOnReview ? '; an approving review counts too' : ''}. goldsmith then promotes \`${options.line}\`, seals the promotion record, adds it here and merges.`,
    '- **Reject**: comment `/reject`: the pull request is closed and the build marked rejected.',
    '- **Roll back**: comment `/rollback <line>` to make the previous template of a line current again.',
    '',
    `<!-- goldsmith:record=${options.record} sha256=${options.sumsSha256} -->`,
    '',
  ].join('\n');
  return { title: `Promote ${options.line}: ${heading}`, body };
}

/**
 * Reads the record and digest a promotion pull request's body binds, or
 * undefined when the binding is missing (the body was edited).
 *
 * @example
 * readBodyBinding(pr.body) // { record: 'builds/ubuntu-24.04/20261124T090300Z', sumsSha256: '3f1c…' }
 */
export function readBodyBinding(body: string | null | undefined): { record: string; sumsSha256: string } | undefined {
  const match = BINDING.exec(body ?? '');
  return match ? { record: match[1]!, sumsSha256: match[2]! } : undefined;
}
