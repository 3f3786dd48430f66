import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { RunBook, type Dispatch } from './actions-book.js';
import type { Site } from './actions-json.js';
import { ApiError, route, type Answer } from './actions-routes.js';
import { isoNow, type FakeRun, type Scenario } from './actions-types.js';
import { loadWorkflow, type Workflow } from './actions-workflow.js';

export type { Dispatch } from './actions-book.js';
export type { FakeArtifact, FakeJob, FakeRun, FakeStep, Scenario } from './actions-types.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface FakeActionsOptions {
  owner: string;
  repo: string;
  /** The credential a standalone fake accepts (`Bearer <token>` or `token <token>`). */
  token?: string;
  /** Decides whether a credential is good; overrides `token` (FakeGitHub sets it to accept its installation tokens). */
  authorize?: (credential: string) => boolean;
  /** Default: packer/ci/github-actions/goldsmith-build.yml of this repository. */
  workflowFile?: string;
  workflowId?: number;
  /** Branches a dispatch may name (default `['main']`). */
  refs?: string[];
  /** The repository as checked out: holds goldsmith.yaml and packer/. */
  workspace?: string;
  /** `copy` (default): each run works in its own copy of `workspace`, as an ephemeral runner does; `in-place`: in `workspace` itself. */
  checkout?: 'copy' | 'in-place';
  /** What `goldsmith` means in the workflow's run step (default: node bin/goldsmith.js of this repository). */
  goldsmithCommand?: string[];
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** More environment for the goldsmith step (e.g. a PATH holding a Packer binary). */
  extraEnv?: Record<string, string>;
  /** Picks how each dispatched run behaves (default: runs normally). */
  scenario?: (inputs: Record<string, string>) => Scenario;
  /** Behave as GitHub Enterprise Server 3.19: API under `/api/v3`, `return_run_details` refused. */
  ghes?: boolean;
  /** Milliseconds every request waits before it is answered (default 0). */
  latencyMs?: number;
  /** Milliseconds a run stays queued before a runner takes it (default 100). */
  queueDelayMs?: number;
  /** Milliseconds a dispatched run stays invisible to the API, as GitHub's runs take a moment to appear (default 0). */
  appearDelayMs?: number;
  /** Milliseconds between the SIGINT of a cancel and the SIGKILL (default 7500, as GitHub's runner). */
  cancelGraceMs?: number;
  /** Runners in the scale set: runs beyond this many stay queued (default unlimited). */
  runners?: number;
  /** How long a redirect's blob URL stays valid (default 60 000 ms). */
  blobTtlMs?: number;
  installationId?: number;
}

export interface ActionsCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  /** Epoch milliseconds when the request arrived. */
  at: number;
  /** Whether the request carried an Authorization header (a blob request never should). */
  auth: boolean;
  kind: 'api' | 'blob';
}

interface Fault {
  kind: 'fail' | 'throttle';
  count: number;
  status: number;
  retryAfterSeconds?: number;
  resetInSeconds?: number;
}

/**
 * A fake of GitHub's Actions REST API for one repository and one workflow
 * (goldsmith-build.yml), whose runner really runs the workflow: the
 * `goldsmith runner` step as a child process, then upload-artifact. Dispatch,
 * runs (listing with GitHub's filters), jobs and steps, logs and artifacts
 * behind 302s to short-lived blob URLs, cancel; with GitHub's rate-limit
 * headers, errors, throttling, GHES' refusal of `return_run_details`, and a
 * scenario per run for the outcomes a real CI produces. Every request is
 * recorded in `calls`; its shapes are checked against GitHub's OpenAPI
 * description by actions-api.test.ts.
 *
 * @example
 * const actions = await FakeActions.start({ owner: 'acme', repo: 'images', token: 't0ken', workspace: repoDir, vars: { GOVC_URL: vcsim.url } });
 * await fetch(`${actions.url}/repos/acme/images/actions/workflows/goldsmith-build.yml/dispatches`, {
 *   method: 'POST', headers: { authorization: 'Bearer t0ken' },
 *   body: JSON.stringify({ ref: 'main', inputs: { goldsmith_job: 'j1', line: 'win2025', entry: '{}' }, return_run_details: true }),
 * });
 * const run = await actions.waitForRun((r) => r.status === 'completed');
 * await actions.close();
 *
 * // Or served by FakeGitHub at its URL, accepting its installation tokens (its close() closes this too):
 * const github = await FakeGitHub.start({ owner: 'acme', repo: 'images', appId, publicKey, actions: new FakeActions({ owner: 'acme', repo: 'images', workspace: repoDir }) });
 */
export class FakeActions {
  /** The API base URL (`…/api/v3` for GHES). */
  url = '';
  readonly calls: ActionsCall[] = [];
  readonly workflow: Workflow;
  /** Picks each dispatched run's behaviour; may be replaced between dispatches. */
  scenario: (inputs: Record<string, string>) => Scenario;
  private readonly options: FakeActionsOptions;
  private readonly book: RunBook;
  private authorize: (credential: string) => boolean;
  private origin = '';
  private prefix = '';
  private server: Server | undefined;
  private readonly blobs = new Map<string, { data: Buffer; type: string; expiresAt: number }>();
  private readonly faults: Fault[] = [];
  private readonly tempDir: string;
  private readonly rate = { used: 0, windowEnds: Math.floor(Date.now() / 1000) + 3600 };

  /** A fake that serves nothing yet: `start` it, or mount it in FakeGitHub (option `actions`). */
  constructor(options: FakeActionsOptions) {
    this.options = options;
    this.workflow = loadWorkflow(options.workflowFile ?? join(REPO_ROOT, 'packer/ci/github-actions/goldsmith-build.yml'));
    this.scenario = options.scenario ?? (() => ({}));
    this.authorize = options.authorize ?? ((credential) => options.token !== undefined && credential === options.token);
    // Only once the workflow has been accepted, so a refused one leaves nothing behind.
    this.tempDir = mkdtempSync(join(tmpdir(), 'goldsmith-fake-actions-'));
    this.book = new RunBook(
      this.workflow,
      {
        workflow: this.workflow,
        goldsmithCommand: options.goldsmithCommand ?? [process.execPath, join(REPO_ROOT, 'bin/goldsmith.js')],
        vars: options.vars ?? {},
        secrets: options.secrets ?? {},
        extraEnv: options.extraEnv ?? {},
        workspace: options.workspace,
        checkout: options.checkout ?? 'copy',
        queueDelayMs: options.queueDelayMs ?? 100,
        cancelGraceMs: options.cancelGraceMs ?? 7500,
        owner: options.owner,
        repo: options.repo,
        apiUrl: () => this.url,
        serverUrl: () => this.origin,
        tempDir: this.tempDir,
      },
      { appearDelayMs: options.appearDelayMs ?? 0, runners: options.runners ?? Infinity },
    );
  }

  /** Starts a standalone fake on 127.0.0.1 at a free port. */
  static async start(options: FakeActionsOptions): Promise<FakeActions> {
    const fake = new FakeActions(options);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    fake.server.listen(0, '127.0.0.1');
    await once(fake.server, 'listening');
    const origin = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    fake.attach(origin, fake.authorize, options.ghes ? '/api/v3' : '');
    return fake;
  }

  /** Whether a request path belongs to this fake (how FakeGitHub decides to hand a request over). */
  static serves(path: string): boolean {
    return /^(\/api\/v3)?\/repos\/[^/]+\/[^/]+\/actions(\/|$)/.test(path) || path.startsWith('/_blobs/');
  }

  /** Serves from another server (FakeGitHub): its URL in every link, its credentials accepted. */
  attach(origin: string, authorize: (credential: string) => boolean, prefix = ''): void {
    this.origin = origin;
    this.prefix = prefix;
    this.url = `${origin}${prefix}`;
    this.authorize = authorize;
  }

  /** Every run created so far, visible through the API or not yet. */
  get runs(): FakeRun[] {
    return this.book.runs;
  }

  /** Every dispatch accepted, with the run it created (none when the scenario says it never appears). */
  get dispatches(): Dispatch[] {
    return this.book.dispatches;
  }

  /** The next `count` API requests answer `status` (a 5xx from GitHub's edge), before authentication. */
  failNext(count: number, status = 502): void {
    this.faults.push({ count, status, kind: 'fail' });
  }

  /** The next `count` API requests hit a rate limit: 429 or 403 with Retry-After (secondary), or 403 with remaining 0 and a reset time (primary, when no retryAfterSeconds). */
  throttle(options: { count: number; status: 429 | 403; retryAfterSeconds?: number; resetInSeconds?: number }): void {
    this.faults.push({ ...options, kind: 'throttle' });
  }

  /** Marks an artifact expired: its download then answers 410. */
  expireArtifact(id: number): void {
    for (const run of this.runs) for (const artifact of run.artifacts) if (artifact.id === id) artifact.expired = true;
  }

  /** Resolves with the first run (existing or future) that `predicate` accepts; checked on every state change and log line. */
  waitForRun(predicate: (run: FakeRun) => boolean, timeoutMs = 30_000): Promise<FakeRun> {
    return this.book.waitForRun(predicate, timeoutMs);
  }

  /** Kills every runner's process group, stops serving, removes the runners' folders. */
  async close(): Promise<void> {
    await this.book.killAll();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server = undefined;
    }
    rmSync(this.tempDir, { recursive: true, force: true });
  }

  /** Answers one request; `body` when the caller (FakeGitHub) has already read it. */
  async handle(req: IncomingMessage, res: ServerResponse, body?: Buffer): Promise<void> {
    let raw = body;
    if (!raw) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      raw = Buffer.concat(chunks);
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    let path = url.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // A malformed escape stays as sent, and matches no route.
    }
    const call: ActionsCall = { method: req.method ?? 'GET', path, query: Object.fromEntries(url.searchParams), body: undefined, status: 0, at: Date.now(), auth: Boolean(req.headers.authorization), kind: path.startsWith('/_blobs/') ? 'blob' : 'api' };
    this.calls.push(call);
    if (this.options.latencyMs) await sleep(this.options.latencyMs);
    if (call.kind === 'blob') return this.serveBlob(call, url, res);

    let answer: Answer;
    try {
      if (raw.length > 0) {
        try {
          call.body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new ApiError(400, 'Problems parsing JSON', 'https://docs.github.com/rest');
        }
      }
      answer = this.api(call, req.headers.authorization, url);
    } catch (thrown) {
      // A bug of the fake answers 500 with its message instead of leaving the client hanging.
      const error = thrown instanceof ApiError ? thrown : new ApiError(500, `the fake Actions API failed: ${thrown instanceof Error ? thrown.stack : String(thrown)}`);
      answer = { status: error.status, body: { message: error.message, documentation_url: error.docs, status: String(error.status) }, headers: error.headers };
    }
    call.status = answer.status;
    const headers: Record<string, string> = { ...this.rateHeaders(), 'x-github-request-id': this.requestId(), ...answer.headers };
    if (answer.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    res.writeHead(answer.status, headers);
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }

  private requestId(): string {
    return [4, 4, 6, 6, 8].map((n) => randomBytes(n / 2).toString('hex').toUpperCase()).join(':');
  }

  private rateHeaders(): Record<string, string> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (nowSeconds >= this.rate.windowEnds) Object.assign(this.rate, { used: 0, windowEnds: nowSeconds + 3600 });
    return { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(Math.max(0, 5000 - this.rate.used)), 'x-ratelimit-reset': String(this.rate.windowEnds), 'x-ratelimit-used': String(this.rate.used), 'x-ratelimit-resource': 'core' };
  }

  private serveBlob(call: ActionsCall, url: URL, res: ServerResponse): void {
    const blob = this.blobs.get(call.path.slice('/_blobs/'.length));
    const expired = blob && (Date.now() > blob.expiresAt || url.searchParams.get('expires') !== String(Math.floor(blob.expiresAt / 1000)));
    // Blob storage answers in its own dialect, and its signed URL, not a token, is the credential.
    const status = call.method !== 'GET' ? 405 : !blob ? 404 : expired ? 403 : 200;
    call.status = status;
    if (status !== 200) {
      const code = { 405: 'UnsupportedHttpVerb', 404: 'BlobNotFound', 403: 'AuthenticationFailed' }[status as 403 | 404 | 405];
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code === 'AuthenticationFailed' ? 'Signed expiry time has passed.' : code}</Message></Error>`);
      return;
    }
    res.writeHead(200, { 'content-type': blob!.type, 'content-length': String(blob!.data.length) });
    res.end(blob!.data);
  }

  private redirect(data: Buffer, type: string): Answer {
    const key = randomBytes(16).toString('hex');
    const expiresAt = Date.now() + (this.options.blobTtlMs ?? 60_000);
    this.blobs.set(key, { data, type, expiresAt });
    return { status: 302, headers: { location: `${this.origin}/_blobs/${key}?expires=${Math.floor(expiresAt / 1000)}` } };
  }

  private site(): Site {
    const serverUrl = this.origin;
    return { owner: this.options.owner, repo: this.options.repo, apiUrl: this.url, serverUrl, workflowId: this.options.workflowId ?? 161_335_001, repositoryId: 713_094_211, workflow: this.workflow };
  }

  private api(call: ActionsCall, authorization: string | undefined, url: URL): Answer {
    const fault = this.faults[0];
    if (fault?.kind === 'fail') this.consumeFault(fault, () => new ApiError(fault.status, 'Server Error'));
    const [scheme = '', credential = ''] = (authorization ?? '').split(' ');
    if (!['bearer', 'token'].includes(scheme.toLowerCase()) || !this.authorize(credential)) throw new ApiError(401, 'Bad credentials');
    this.rate.used += 1;
    if (fault?.kind === 'throttle') this.consumeFault(fault, () => this.rateLimited(fault));
    const repo = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(call.path.startsWith(this.prefix) ? call.path.slice(this.prefix.length) : '');
    if (!repo || repo[1] !== this.options.owner || repo[2] !== this.options.repo) throw new ApiError(404, 'Not Found');
    return route(call.method, repo[3]!, call.query, call.body, {
      site: this.site(),
      book: this.book,
      ghes: this.options.ghes ?? false,
      refs: this.options.refs ?? ['main'],
      scenario: this.scenario,
      redirect: (data, type) => this.redirect(data, type),
      pageUrl: `${this.origin}${url.pathname}`,
    });
  }

  private consumeFault(fault: Fault, error: () => ApiError): never {
    fault.count -= 1;
    if (fault.count <= 0) this.faults.shift();
    throw error();
  }

  private rateLimited(fault: Fault): ApiError {
    const id = this.requestId();
    const docs = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
    if (fault.status === 403 && fault.retryAfterSeconds === undefined) {
      const reset = Math.floor(Date.now() / 1000) + (fault.resetInSeconds ?? 1);
      const message = `API rate limit exceeded for installation ID ${this.options.installationId ?? 777}. If you reach out to GitHub Support for help, please include the request ID ${id} and timestamp ${isoNow().replace('T', ' ').replace('Z', ' UTC')}.`;
      return new ApiError(403, message, docs, { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(reset) });
    }
    const message = `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${id}.`;
    return new ApiError(fault.status, message, `${docs}#about-secondary-rate-limits`, { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
  }
}
