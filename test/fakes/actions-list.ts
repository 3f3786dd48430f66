import type { FakeRun } from './actions-types.js';

/**
 * The filters and pagination of GitHub's "list workflow runs" endpoints:
 * `event`, `status` (a status or a conclusion), `branch`, `head_sha`,
 * `created` in GitHub's search syntax, `per_page` (30 by default, 100 at
 * most) and `page`, newest run first, with a `Link` header.
 */

type Bound = { at: number; inclusive: boolean };

/**
 * `created` as GitHub's search syntax has it: `>=T`, `>T`, `<=T`, `<T`,
 * `A..B` (with `*` for an open end), or a plain date (that whole day) or
 * time. Undefined when the value is not one of those.
 */
function createdRange(value: string): { from?: Bound; to?: Bound } | undefined {
  // A `+` of a timezone offset that the client did not percent-encode arrives as a space.
  const text = value.trim().replace(/ /g, '+');
  const parse = (part: string) => {
    const at = Date.parse(part);
    return Number.isNaN(at) ? undefined : at;
  };
  const single = /^(>=|>|<=|<)(.+)$/.exec(text);
  if (single) {
    const at = parse(single[2]!);
    if (at === undefined) return undefined;
    const bound = { at, inclusive: single[1]!.endsWith('=') };
    return single[1]!.startsWith('>') ? { from: bound } : { to: bound };
  }
  const range = /^(.+)\.\.(.+)$/.exec(text);
  if (range) {
    const from = range[1] === '*' ? undefined : parse(range[1]!);
    const to = range[2] === '*' ? undefined : parse(range[2]!);
    if ((range[1] !== '*' && from === undefined) || (range[2] !== '*' && to === undefined)) return undefined;
    return { ...(from !== undefined ? { from: { at: from, inclusive: true } } : {}), ...(to !== undefined ? { to: { at: to, inclusive: true } } : {}) };
  }
  const at = parse(text);
  if (at === undefined) return undefined;
  const wholeDay = /^\d{4}-\d{2}-\d{2}$/.test(text);
  return { from: { at, inclusive: true }, to: { at: wholeDay ? at + 86_399_999 : at, inclusive: true } };
}

function inRange(run: FakeRun, range: { from?: Bound; to?: Bound }): boolean {
  // created_at has whole seconds, as on GitHub: a bound with milliseconds can miss a run made in the same second.
  const at = Date.parse(run.createdAt);
  const { from, to } = range;
  if (from && (from.inclusive ? at < from.at : at <= from.at)) return false;
  if (to && (to.inclusive ? at > to.at : at >= to.at)) return false;
  return true;
}

/**
 * One page of `runs` that match `query`, newest first, and its `Link` header
 * (`next`, `last`, `prev`, `first` like GitHub's) built on `pageUrl`.
 */
export function filterRuns(runs: FakeRun[], query: Record<string, string>, pageUrl: string): { page: { total: number; runs: FakeRun[] } | { error: string }; link?: string } {
  const range = query.created === undefined ? {} : createdRange(query.created);
  if (!range) return { page: { error: `Invalid created filter: ${query.created}` } };
  const matching = runs
    .filter((run) => !query.event || query.event === 'workflow_dispatch')
    .filter((run) => !query.status || run.status === query.status || run.conclusion === query.status)
    .filter((run) => !query.branch || run.headBranch === query.branch)
    .filter((run) => !query.head_sha || run.headSha === query.head_sha)
    .filter((run) => inRange(run, range))
    .sort((a, b) => b.id - a.id);
  const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30) || 30));
  const page = Math.max(1, Number(query.page ?? 1) || 1);
  const last = Math.max(1, Math.ceil(matching.length / perPage));
  const linkTo = (n: number, rel: string) => {
    const url = new URL(pageUrl);
    for (const [key, value] of Object.entries({ ...query, per_page: String(perPage), page: String(n) })) url.searchParams.set(key, value);
    return `<${url.href}>; rel="${rel}"`;
  };
  const links = [...(page > 1 ? [linkTo(page - 1, 'prev'), linkTo(1, 'first')] : []), ...(page < last ? [linkTo(page + 1, 'next'), linkTo(last, 'last')] : [])];
  return { page: { total: matching.length, runs: matching.slice((page - 1) * perPage, page * perPage) }, ...(links.length > 0 ? { link: links.join(', ') } : {}) };
}
