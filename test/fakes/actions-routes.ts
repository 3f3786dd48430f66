import type { RunBook } from './actions-book.js';
import { artifactJson, jobJson, runJson, workflowJson, type Site } from './actions-json.js';
import { filterRuns } from './actions-list.js';
import type { FakeArtifact, Scenario } from './actions-types.js';

/**
 * The Actions API's endpoints, below authentication and rate limits: paths,
 * status codes and messages as GitHub answers them.
 */

export const DOCS = 'https://docs.github.com/rest/actions';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly docs = 'https://docs.github.com/rest',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  site: Site;
  book: RunBook;
  ghes: boolean;
  refs: string[];
  scenario: (inputs: Record<string, string>) => Scenario;
  /** A 302 to a short-lived blob URL serving `data`. */
  redirect: (data: Buffer, type: string) => Answer;
  /** The URL of the request, without its query: for `Link` headers. */
  pageUrl: string;
}

/** Answers `method` on `rest` (the path after `/repos/{owner}/{repo}`), or throws an ApiError. */
export function route(method: string, rest: string, query: Record<string, string>, body: unknown, ctx: RouteContext): Answer {
  const { site, book } = ctx;
  const match = (verb: string, pattern: RegExp) => (method === verb ? pattern.exec(rest)?.slice(1) : undefined);
  const visibleRun = (id: string | undefined) => {
    const run = book.visible(Number(id));
    if (!run) throw new ApiError(404, 'Not Found', `${DOCS}/workflow-runs#get-a-workflow-run`);
    return run;
  };
  let m: string[] | undefined;

  if ((m = match('GET', /^\/actions\/workflows\/([^/]+)$/))) return { status: 200, body: workflowJson(requireWorkflow(m[0]!, site)) };
  if ((m = match('POST', /^\/actions\/workflows\/([^/]+)\/dispatches$/))) return dispatch(requireWorkflow(m[0]!, site), body, ctx);
  if ((m = match('GET', /^\/actions\/workflows\/([^/]+)\/runs$/))) return listRuns(requireWorkflow(m[0]!, site), query, ctx);
  if (match('GET', /^\/actions\/runs$/)) return listRuns(site, query, ctx);
  if ((m = match('GET', /^\/actions\/runs\/(\d+)$/))) return { status: 200, body: runJson(site, visibleRun(m[0])) };
  if ((m = match('GET', /^\/actions\/runs\/(\d+)\/jobs$/))) {
    const run = visibleRun(m[0]);
    const jobs = run.job ? [jobJson(site, run)] : [];
    return { status: 200, body: { total_count: jobs.length, jobs } };
  }
  if ((m = match('GET', /^\/actions\/runs\/(\d+)\/artifacts$/))) {
    const run = visibleRun(m[0]);
    const artifacts = run.artifacts.filter((artifact) => !query.name || artifact.name === query.name).map((artifact) => artifactJson(site, run, artifact));
    return { status: 200, body: { total_count: artifacts.length, artifacts } };
  }
  if ((m = match('POST', /^\/actions\/runs\/(\d+)\/cancel$/))) {
    const run = visibleRun(m[0]);
    if (run.status === 'completed') throw new ApiError(409, 'Cannot cancel a workflow run that is completed.', `${DOCS}/workflow-runs#cancel-a-workflow-run`);
    book.cancel(run.id);
    return { status: 202, body: {} };
  }
  if ((m = match('GET', /^\/actions\/artifacts\/(\d+)\/([^/]+)$/))) {
    const id = Number(m[0]);
    const artifact = book.visibleRuns().flatMap((run) => run.artifacts).find((candidate: FakeArtifact) => candidate.id === id);
    if (!artifact || m[1] !== 'zip') throw new ApiError(404, 'Not Found', `${DOCS}/artifacts#download-an-artifact`);
    if (artifact.expired) throw new ApiError(410, 'Artifact has expired', `${DOCS}/artifacts#download-an-artifact`);
    return ctx.redirect(artifact.zip, 'application/zip');
  }
  if ((m = match('GET', /^\/actions\/jobs\/(\d+)(\/logs)?$/))) {
    const id = Number(m[0]);
    const run = book.visibleRuns().find((candidate) => candidate.job?.id === id);
    if (!run) throw new ApiError(404, 'Not Found', `${DOCS}/workflow-jobs`);
    if (!m[1]) return { status: 200, body: jobJson(site, run) };
    // The log as it is now: GitHub serves a job's log while the job is still running.
    return ctx.redirect(Buffer.from(run.job!.log.map((line) => `${line}\n`).join('')), 'text/plain; charset=utf-8');
  }
  throw new ApiError(404, 'Not Found');
}

function requireWorkflow(id: string, site: Site): Site {
  if (id !== site.workflow.file && id !== String(site.workflowId)) throw new ApiError(404, 'Not Found', `${DOCS}/workflows`);
  return site;
}

function listRuns(site: Site, query: Record<string, string>, ctx: RouteContext): Answer {
  const { page, link } = filterRuns(ctx.book.visibleRuns(), query, ctx.pageUrl);
  if ('error' in page) throw new ApiError(422, page.error, `${DOCS}/workflow-runs#list-workflow-runs-for-a-repository`);
  return { status: 200, body: { total_count: page.total, workflow_runs: page.runs.map((run) => runJson(site, run)) }, headers: link ? { link } : {} };
}

/** Checks a dispatch the way GitHub does (body keys, ref, inputs) and queues its run. */
function dispatch(site: Site, raw: unknown, ctx: RouteContext): Answer {
  const docs = `${DOCS}/workflows#create-a-workflow-dispatch-event`;
  const invalid = (why: string) => new ApiError(422, `Invalid request.\n\n${why}`, docs);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('Invalid input: object is expected.');
  const body = raw as Record<string, unknown>;
  // GHES 3.19 validates the body against a schema without this key.
  if (ctx.ghes && 'return_run_details' in body) throw invalid('"return_run_details" is not a permitted key.');
  const unknown = Object.keys(body).find((key) => !['ref', 'inputs', 'return_run_details'].includes(key));
  if (unknown) throw invalid(`"${unknown}" is not a permitted key.`);
  if (typeof body.ref !== 'string') throw invalid(`"ref" wasn't supplied.`);
  const given = (body.inputs ?? {}) as Record<string, unknown>;
  if (typeof given !== 'object' || Array.isArray(given)) throw invalid(`For 'properties/inputs', ${JSON.stringify(body.inputs)} is not an object.`);
  const maxInputs = ctx.ghes ? 10 : 25;
  if (Object.keys(given).length > maxInputs) throw invalid(`For 'properties/inputs', ${JSON.stringify(given)} has more than ${maxInputs} properties.`);
  const branch = body.ref.replace(/^refs\/heads\//, '');
  if (!ctx.refs.includes(branch)) throw new ApiError(422, `No ref found for: ${body.ref}`, docs);
  const declared = site.workflow.inputs;
  const unexpected = Object.keys(given).filter((key) => !(key in declared));
  if (unexpected.length > 0) throw new ApiError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`, docs);
  const inputs: Record<string, string> = {};
  for (const [key, spec] of Object.entries(declared)) {
    const value = given[key] ?? spec.default;
    if (value === undefined && spec.required) throw new ApiError(422, `Required input '${key}' not provided`, docs);
    if (value !== undefined) inputs[key] = String(value);
  }

  const id = ctx.book.dispatch(branch, inputs, ctx.scenario(inputs));
  if (body.return_run_details !== true) return { status: 204 };
  const runs = `/repos/${site.owner}/${site.repo}/actions/runs/${id}`;
  return { status: 200, body: { workflow_run_id: id, run_url: `${site.apiUrl}${runs}`, html_url: `${site.serverUrl}/${site.owner}/${site.repo}/actions/runs/${id}` } };
}
