import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import yauzl from 'yauzl';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeActions, type FakeActionsOptions, type FakeRun } from './actions-api.js';
import { goldsmithArgs, loadWorkflow } from './actions-workflow.js';
import { FakeGitHub } from './github-api.js';
import { OpenApiCheck } from './openapi-check.js';
import { writeZip, zipEntryNames } from './zip-archive.js';

const STAND_IN = fileURLToPath(new URL('../helpers/actions-stand-in-runner.mjs', import.meta.url));
const WORKFLOW = fileURLToPath(new URL('../../packer/ci/github-actions/goldsmith-build.yml', import.meta.url));
const TOKEN = 'ghs_fake_actions_token';
const SECRET = 'hunter2-vcenter-secret';
const DISPATCH = '/repos/acme/images/actions/workflows/goldsmith-build.yml/dispatches';
const RUNS = '/repos/acme/images/actions/runs';
const inputs = (job: string, line: string) => ({ goldsmith_job: job, line, entry: JSON.stringify({ key: line, dist: 'windows' }) });

let dotcom: OpenApiCheck;
let ghes: OpenApiCheck;
let workspace: string;
const started: Array<{ close(): Promise<void> }> = [];
/** `operationId status` of every answer whose status the description does not list for that operation. */
const undocumented = new Set<string>();

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * One API request, its answer checked against the OpenAPI description (`spec`)
 * and for GitHub's rate-limit headers; the request body too when accepted.
 */
async function api(base: string, method: string, path: string, options: { body?: unknown; auth?: string | null; spec?: OpenApiCheck } = {}): Promise<Reply> {
  const spec = options.spec ?? dotcom;
  const auth = options.auth === undefined ? `Bearer ${TOKEN}` : options.auth;
  const response = await fetch(`${base}${path}`, {
    method,
    redirect: 'manual',
    headers: { accept: 'application/vnd.github+json', ...(auth ? { authorization: auth } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  const route = path.split('?')[0]!;
  const { documented } = spec.response(method, route, response.status, body);
  if (!documented) undocumented.add(`${spec.operation(method, route).operation.operationId} ${response.status}`);
  if (response.status < 300 && options.body !== undefined) spec.request(method, route, options.body);
  if (response.status === 302) expect(response.headers.get('location')).toMatch(/\/_blobs\/[0-9a-f]{32}\?expires=\d+$/);
  for (const header of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-used']) expect(response.headers.get(header), header).toMatch(/^\d+$/);
  expect(response.headers.get('x-ratelimit-resource')).toBe('core');
  expect(response.headers.get('x-github-request-id')).toMatch(/^[0-9A-F:]+$/);
  return { status: response.status, headers: response.headers, body };
}

/** Follows a blob URL the way a careful client does: no Authorization header. */
async function blob(location: string): Promise<{ status: number; type: string | null; data: Buffer }> {
  const response = await fetch(location);
  return { status: response.status, type: response.headers.get('content-type'), data: Buffer.from(await response.arrayBuffer()) };
}

function unzip(zip: Buffer, options: yauzl.Options = {}): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, ...options }, (error, file) => {
      if (error) return reject(error);
      const files = new Map<string, Buffer>();
      file.on('error', reject);
      file.on('end', () => resolve(files));
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}

async function start(options: Partial<FakeActionsOptions> = {}): Promise<FakeActions> {
  const fake = await FakeActions.start({ owner: 'acme', repo: 'images', token: TOKEN, workspace, goldsmithCommand: [process.execPath, STAND_IN], queueDelayMs: 50, ...options });
  started.push(fake);
  return fake;
}

const completed = (fake: FakeActions, id: number) => fake.waitForRun((run) => run.id === id && run.status === 'completed', 20_000);
const steps = (job: any) => job.steps.map((step: any) => `${step.number} ${step.name}: ${step.status}/${step.conclusion}`);
const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(() => {
  dotcom = new OpenApiCheck('api.github.com.json');
  ghes = new OpenApiCheck('ghes-3.19.json');
  workspace = mkdtempSync(join(tmpdir(), 'goldsmith-actions-ws-'));
  writeFileSync(join(workspace, 'goldsmith.yaml'), 'records: records\n');
  mkdirSync(join(workspace, 'packer'));
  writeFileSync(join(workspace, 'packer', 'matrix.json'), '{"include":[]}\n');
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((fake) => fake.close()));
});

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
});

describe('the workflow as the fake reads it', () => {
  it('takes the real workflow, and refuses a script it would need a shell for', () => {
    const workflow = loadWorkflow(WORKFLOW);
    expect(workflow.steps.map((step) => `${step.kind}:${step.name}:${step.condition}`)).toEqual(['checkout:Check out the templates:success', 'goldsmith:Build with Packer:success', 'upload:Upload the build evidence:always']);
    expect(Object.entries(workflow.inputs).filter(([, input]) => input.required).map(([name]) => name)).toEqual(['goldsmith_job', 'line', 'entry']);
    expect(workflow.labels).toEqual(['self-hosted', 'packer-vsphere']);
    expect(goldsmithArgs('goldsmith runner --out goldsmith-artifact')).toEqual(['runner', '--out', 'goldsmith-artifact']);
    for (const script of ['goldsmith runner --out $OUT', 'goldsmith runner; rm -rf /', 'goldsmith runner | tee x', 'goldsmith runner && true', `goldsmith runner --out 'a b'`, 'goldsmith runner\ngoldsmith audit']) {
      expect(() => goldsmithArgs(script), script).toThrow(/without a shell/);
    }
    const echo = join(workspace, 'echo.yml');
    writeFileSync(echo, readFileSync(WORKFLOW, 'utf8').replace('run: goldsmith runner --out goldsmith-artifact', 'run: echo hello'));
    expect(() => new FakeActions({ owner: 'acme', repo: 'images', workflowFile: echo })).toThrow(/runs only goldsmith steps, not "echo hello"/);
  });

  it('writes zips that unzip, deflated or stored, with UTF-8 names', async () => {
    const zip = writeZip([
      { name: 'packer.log', data: 'line\n'.repeat(1000) },
      { name: 'dir/résumé.json', data: '{}' },
      { name: 'big.bin', data: Buffer.alloc(70_000, 7), method: 'store' },
    ]);
    const files = await unzip(zip, { validateEntrySizes: true, strictFileNames: true });
    expect([...files.keys()]).toEqual(['packer.log', 'dir/résumé.json', 'big.bin']);
    expect(files.get('packer.log')!.toString()).toBe('line\n'.repeat(1000));
    expect(files.get('big.bin')!.equals(Buffer.alloc(70_000, 7))).toBe(true);
    expect(zip.length).toBeLessThan(70_000 + 1000);
  });
});

describe('FakeActions, answers checked against GitHub\'s OpenAPI description', () => {
  it('dispatches with return_run_details, runs the goldsmith step for real, and serves log and artifact through short-lived blob URLs', async () => {
    const fake = await start({ queueDelayMs: 300, vars: { GOVC_URL: 'https://vcenter.lab.invalid/sdk', GOVC_INSECURE: '1' }, secrets: { GOVC_PASSWORD: SECRET }, extraEnv: { STAND_IN_EXTRA: 'extra' } });
    const dispatched = await api(fake.url, 'POST', DISPATCH, { body: { ref: 'main', inputs: inputs('job-0042', 'win2025'), return_run_details: true } });
    expect(dispatched.status).toBe(200);
    const id: number = dispatched.body.workflow_run_id;
    expect(id).toBeGreaterThanOrEqual(9_000_000_001);
    expect(dispatched.body).toEqual({ workflow_run_id: id, run_url: `${fake.url}${RUNS}/${id}`, html_url: `${fake.url}/acme/images/actions/runs/${id}` });

    const seen: string[] = [];
    let run: Reply;
    let midway: Reply | undefined;
    do {
      run = await api(fake.url, 'GET', `${RUNS}/${id}`);
      expect(run.status).toBe(200);
      if (seen.at(-1) !== run.body.status) seen.push(run.body.status);
      const jobs = await api(fake.url, 'GET', `${RUNS}/${id}/jobs`);
      if (jobs.body.jobs[0]?.steps.some((step: any) => step.status === 'in_progress')) midway ??= jobs;
      await sleep(40);
    } while (run.body.status !== 'completed');
    expect(seen).toEqual(['queued', 'in_progress', 'completed']);
    expect(run.body).toMatchObject({ id, name: 'goldsmith-build', display_title: 'goldsmith job job-0042', event: 'workflow_dispatch', conclusion: 'success', run_attempt: 1, head_branch: 'main', html_url: `${fake.url}/acme/images/actions/runs/${id}` });
    expect(midway?.body.jobs[0].status).toBe('in_progress');

    const jobs = await api(fake.url, 'GET', `${RUNS}/${id}/jobs`);
    const job = jobs.body.jobs[0];
    expect(jobs.body.total_count).toBe(1);
    expect(job).toMatchObject({ name: 'build win2025', status: 'completed', conclusion: 'success', labels: ['self-hosted', 'packer-vsphere'], workflow_name: 'goldsmith-build', head_branch: 'main', run_id: id });
    expect(job.runner_name).toMatch(/^arc-packer-vsphere-\d+$/);
    expect(steps(job)).toEqual(['1 Set up job: completed/success', '2 Check out the templates: completed/success', '3 Build with Packer: completed/success', '4 Upload the build evidence: completed/success', '5 Complete job: completed/success']);

    const logs = await api(fake.url, 'GET', `/repos/acme/images/actions/jobs/${job.id}/logs`);
    expect(logs.status).toBe(302);
    const log = await blob(logs.headers.get('location')!);
    expect(log.status).toBe(200);
    expect(log.type).toMatch(/^text\/plain/);
    const lines = log.data.toString().trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z /);
    expect(lines.join('\n')).toContain('stand-in: building win2025 for job job-0042');
    expect(lines.join('\n')).toContain('stand-in: a line on stderr');
    expect(lines.join('\n')).toContain('stand-in: GOVC_PASSWORD is ***');
    expect(log.data.toString()).not.toContain(SECRET);

    const listed = await api(fake.url, 'GET', `${RUNS}/${id}/artifacts`);
    expect(listed.body.total_count).toBe(1);
    const artifact = listed.body.artifacts[0];
    expect(artifact).toMatchObject({ name: 'goldsmith-job-0042', expired: false, archive_download_url: `${fake.url}/repos/acme/images/actions/artifacts/${artifact.id}/zip`, workflow_run: { id, head_branch: 'main' } });
    const download = await api(fake.url, 'GET', `/repos/acme/images/actions/artifacts/${artifact.id}/zip`);
    expect(download.status).toBe(302);
    const zip = await blob(download.headers.get('location')!);
    expect(zip.status).toBe(200);
    expect(zip.type).toBe('application/zip');
    expect(zip.data.length).toBe(artifact.size_in_bytes);
    expect(artifact.digest).toBe(`sha256:${createHash('sha256').update(zip.data).digest('hex')}`);
    const files = await unzip(zip.data, { strictFileNames: true, validateEntrySizes: true });
    expect([...files.keys()]).toEqual(['build.json', 'manifest/packer-manifest.json', 'packer.log']);
    expect(files.get('packer.log')!.toString()).toContain('stand-in: build finished');
    const build = JSON.parse(files.get('build.json')!.toString());
    expect(build).toMatchObject({ job: 'job-0042', line: 'win2025', entry: { key: 'win2025', dist: 'windows' }, govcPasswordSet: true, inherited: null });
    expect(build.env).toMatchObject({ CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: String(id), GITHUB_RUN_ATTEMPT: '1', GITHUB_REPOSITORY: 'acme/images', GITHUB_SERVER_URL: fake.url, GITHUB_SHA: run.body.head_sha, RUNNER_NAME: job.runner_name, RUNNER_OS: 'Linux', GOVC_URL: 'https://vcenter.lab.invalid/sdk', GOVC_USERNAME: '', GOVC_INSECURE: '1', STAND_IN_EXTRA: 'extra' });
    // Each run works in its own checkout, as on an ephemeral runner: the test's folder stays clean.
    expect(build.cwd).toBe(build.env.GITHUB_WORKSPACE);
    expect(existsSync(join(build.cwd, 'goldsmith.yaml'))).toBe(true);
    expect(existsSync(join(workspace, 'goldsmith-artifact'))).toBe(false);

    const blobCalls = fake.calls.filter((call) => call.kind === 'blob');
    expect(blobCalls.map((call) => call.status)).toEqual([200, 200]);
    expect(blobCalls.filter((call) => call.auth)).toEqual([]);

    const list = (query: string, all = false) => api(fake.url, 'GET', `${all ? RUNS : '/repos/acme/images/actions/workflows/goldsmith-build.yml/runs'}?${query}`);
    expect((await list(`event=workflow_dispatch&status=success&created=${encodeURIComponent(`>=${run.body.created_at}`)}`)).body.workflow_runs.map((r: any) => r.id)).toEqual([id]);
    expect((await list(`created=${encodeURIComponent(`>${run.body.created_at}`)}`)).body.total_count).toBe(0);
    expect((await list('status=failure', true)).body.total_count).toBe(0);
    expect((await list('event=push', true)).body.total_count).toBe(0);
    expect((await api(fake.url, 'GET', `/repos/acme/images/actions/workflows/161335001/runs?status=completed`)).body.total_count).toBe(1);
  });

  it('reports a failing goldsmith step and still uploads its evidence (if: always()); lists newest first, a page at a time', async () => {
    const fake = await start();
    const ids: number[] = [];
    for (const line of ['ubuntu2404', 'fail-rhel9', 'win2022']) {
      const answer = await api(fake.url, 'POST', DISPATCH, { body: { ref: 'refs/heads/main', inputs: inputs(`job-${line}`, line), return_run_details: true } });
      ids.push(answer.body.workflow_run_id);
    }
    expect(ids[1]!).toBeGreaterThan(ids[0]!);
    expect(ids[2]!).toBeGreaterThan(ids[1]!);
    await Promise.all(ids.map((id) => completed(fake, id)));
    expect(fake.runs.map((run) => run.conclusion)).toEqual(['success', 'failure', 'success']);

    const failed = await api(fake.url, 'GET', `${RUNS}/${ids[1]}/jobs`);
    expect(steps(failed.body.jobs[0])).toEqual(['1 Set up job: completed/success', '2 Check out the templates: completed/success', '3 Build with Packer: completed/failure', '4 Upload the build evidence: completed/success', '5 Complete job: completed/success']);
    expect(failed.body.jobs[0].conclusion).toBe('failure');
    expect(fake.runs[1]!.job!.log.join('\n')).toContain('##[error]Process completed with exit code 1.');
    const artifacts = await api(fake.url, 'GET', `${RUNS}/${ids[1]}/artifacts`);
    const download = await api(fake.url, 'GET', `/repos/acme/images/actions/artifacts/${artifacts.body.artifacts[0].id}/zip`);
    const files = await unzip((await blob(download.headers.get('location')!)).data);
    expect(files.get('packer.log')!.toString()).toContain('stand-in: build failed');

    const page = await api(fake.url, 'GET', `${RUNS}?per_page=1&page=2`);
    expect(page.body.total_count).toBe(3);
    expect(page.body.workflow_runs.map((run: any) => run.id)).toEqual([ids[1]]);
    const link = page.headers.get('link')!;
    expect(link).toMatch(/[?&]page=1>; rel="prev"/);
    expect(link).toMatch(/[?&]page=3>; rel="next"/);
    expect((await api(fake.url, 'GET', `${RUNS}?status=failure`)).body.workflow_runs.map((run: any) => run.id)).toEqual([ids[1]]);
    expect((await api(fake.url, 'GET', RUNS)).body.workflow_runs.map((run: any) => run.id)).toEqual([...ids].reverse());
  });

  it('behaves as GHES 3.19: the API under /api/v3, return_run_details refused, the run found by listing with created>=', async () => {
    // GHES 3.19's description has no return_run_details and no 200 for a dispatch: that is why it refuses the key.
    const { operation } = ghes.operation('POST', DISPATCH);
    expect(Object.keys(operation.requestBody.content['application/json'].schema.properties)).toEqual(['ref', 'inputs']);
    expect(Object.keys(operation.responses)).toEqual(['204']);
    expect(Object.keys(dotcom.operation('POST', DISPATCH).operation.responses)).toEqual(['200', '204']);
    // It does not forbid unknown keys either (no additionalProperties: false): the refusal is the server's, not the schema's.
    expect(ghes.errors(operation.requestBody.content['application/json'].schema, { ref: 'main', return_run_details: true })).toBeNull();

    const fake = await start({ ghes: true, appearDelayMs: 400, latencyMs: 50 });
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
    const body = { ref: 'main', inputs: inputs('job-ghes-7', 'rhel9') };
    for (const flag of [true, false]) {
      const refused = await api(fake.url, 'POST', DISPATCH, { body: { ...body, return_run_details: flag }, spec: ghes });
      expect(refused.status).toBe(422);
      expect(refused.body.message).toBe('Invalid request.\n\n"return_run_details" is not a permitted key.');
    }
    expect(fake.runs).toEqual([]);
    const since = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const sentAt = Date.now();
    const accepted = await api(fake.url, 'POST', DISPATCH, { body, spec: ghes });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(50);
    expect(accepted.status).toBe(204);
    expect(accepted.body).toBeUndefined();
    // A run takes a moment to show up: the first listings miss it.
    const list = `/repos/acme/images/actions/workflows/goldsmith-build.yml/runs?event=workflow_dispatch&created=${encodeURIComponent(`>=${since}`)}`;
    const attempts: number[] = [];
    let runs: any[] = [];
    while (runs.length === 0 && attempts.length < 40) {
      const found = await api(fake.url, 'GET', list, { spec: ghes });
      runs = found.body.workflow_runs.filter((run: any) => run.display_title === 'goldsmith job job-ghes-7');
      attempts.push(found.body.total_count);
      if (runs.length === 0) await sleep(50);
    }
    expect(attempts[0]).toBe(0);
    expect(runs).toHaveLength(1);
    expect(runs[0].html_url).toBe(`${fake.url.replace('/api/v3', '')}/acme/images/actions/runs/${runs[0].id}`);
    expect(runs[0].url).toBe(`${fake.url}${RUNS}/${runs[0].id}`);
    const done = await completed(fake, runs[0].id);
    expect(done.conclusion).toBe('success');
    expect((await api(fake.url, 'GET', `${RUNS}/${runs[0].id}`, { spec: ghes })).body.conclusion).toBe('success');
  });

  it('cancels: SIGINT to the runner\'s process group, SIGKILL after the grace, always() steps still run; a queued run just ends; 409 once completed', async () => {
    // A grace long enough for the stand-in's SIGINT handler to run on a loaded machine (700 ms was not, once, in CI).
    const fake = await start({ cancelGraceMs: 2500, runners: 1 });
    const first = await api(fake.url, 'POST', DISPATCH, { body: { ref: 'main', inputs: inputs('job-slow', 'slow-win2025'), return_run_details: true } });
    const second = await api(fake.url, 'POST', DISPATCH, { body: { ref: 'main', inputs: inputs('job-slow-2', 'slow-rhel9'), return_run_details: true } });
    const running = await fake.waitForRun((run) => run.job?.log.some((line) => line.includes('grandchild')) ?? false, 10_000);
    expect(running.id).toBe(first.body.workflow_run_id);
    const pid = running.job!.pid!;
    const grandchild = Number(/grandchild (\d+) started/.exec(running.job!.log.join('\n'))![1]);
    expect(groupAlive(pid)).toBe(true);
    // One runner in the scale set: the second run waits, and a cancel ends it without any runner.
    const queued = await api(fake.url, 'GET', `${RUNS}/${second.body.workflow_run_id}`);
    expect(queued.body.status).toBe('queued');
    expect((await api(fake.url, 'POST', `${RUNS}/${second.body.workflow_run_id}/cancel`)).status).toBe(202);
    const ended = await completed(fake, second.body.workflow_run_id);
    expect({ conclusion: ended.conclusion, steps: ended.job!.steps.length, pid: ended.job!.pid }).toEqual({ conclusion: 'cancelled', steps: 0, pid: undefined });

    const cancelledAt = Date.now();
    const cancel = await api(fake.url, 'POST', `${RUNS}/${running.id}/cancel`);
    expect(cancel.status).toBe(202);
    expect(cancel.body).toEqual({});
    const done: FakeRun = await completed(fake, running.id);
    expect(Date.now() - cancelledAt).toBeGreaterThanOrEqual(2450);
    expect(done.conclusion).toBe('cancelled');
    expect(done.job!.log.join('\n')).toContain('stand-in: got SIGINT');
    expect(groupAlive(pid)).toBe(false);
    expect(() => process.kill(grandchild, 0)).toThrow();
    const jobs = await api(fake.url, 'GET', `${RUNS}/${running.id}/jobs`);
    expect(jobs.body.jobs[0].conclusion).toBe('cancelled');
    expect(steps(jobs.body.jobs[0])).toEqual(['1 Set up job: completed/success', '2 Check out the templates: completed/success', '3 Build with Packer: completed/cancelled', '4 Upload the build evidence: completed/success', '5 Complete job: completed/success']);
    expect((await api(fake.url, 'GET', `${RUNS}/${running.id}/artifacts`)).body.total_count).toBe(1);

    const late = await api(fake.url, 'POST', `${RUNS}/${running.id}/cancel`);
    expect(late.status).toBe(409);
    expect(late.body.message).toBe('Cannot cancel a workflow run that is completed.');
  });

  it('answers errors, rate limits and outages as GitHub does', async () => {
    const fake = await start({ blobTtlMs: 300, scenario: () => ({ synthetic: { files: { 'packer.log': 'synthetic\n' } } }) });
    const dispatch = (body: unknown, auth?: string | null) => api(fake.url, 'POST', DISPATCH, { body, auth });
    expect((await api(fake.url, 'POST', '/repos/acme/images/actions/workflows/nope.yml/dispatches', { body: { ref: 'main' } })).status).toBe(404);
    expect((await api(fake.url, 'GET', '/repos/acme/images/actions/workflows/nope.yml/runs')).status).toBe(404);
    const expect422 = async (body: unknown, message: string) => {
      const answer = await dispatch(body);
      expect(answer.status).toBe(422);
      expect(answer.body.message).toBe(message);
    };
    await expect422({ ref: 'main', inputs: { goldsmith_job: 'j', entry: '{}' } }, "Required input 'line' not provided");
    await expect422({ ref: 'main', inputs: { ...inputs('j', 'x'), colour: 'blue' } }, 'Unexpected inputs provided: ["colour"]');
    await expect422({ ref: 'nope', inputs: inputs('j', 'x') }, 'No ref found for: nope');
    await expect422({ inputs: inputs('j', 'x') }, 'Invalid request.\n\n"ref" wasn\'t supplied.');
    for (const auth of [null, 'Bearer wrong', 'token wrong', `Basic ${TOKEN}`]) {
      const answer = await api(fake.url, 'GET', RUNS, { auth });
      expect(answer.status, String(auth)).toBe(401);
      expect(answer.body.message).toBe('Bad credentials');
    }
    expect((await api(fake.url, 'GET', RUNS, { auth: `token ${TOKEN}` })).status).toBe(200);
    expect((await api(fake.url, 'GET', `${RUNS}/12345`)).status).toBe(404);
    expect((await api(fake.url, 'GET', '/repos/acme/other/actions/runs')).status).toBe(404);
    expect((await api(fake.url, 'GET', '/repos/acme/images/actions/artifacts/1/zip')).status).toBe(404);

    fake.failNext(1);
    expect((await api(fake.url, 'GET', RUNS)).status).toBe(502);
    expect((await api(fake.url, 'GET', RUNS)).status).toBe(200);
    fake.throttle({ count: 2, status: 429, retryAfterSeconds: 3 });
    for (let i = 0; i < 2; i++) {
      const limited = await api(fake.url, 'GET', RUNS);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(limited.body.message).toMatch(/secondary rate limit/);
    }
    fake.throttle({ count: 1, status: 403, resetInSeconds: 30 });
    const primary = await api(fake.url, 'GET', RUNS);
    expect(primary.status).toBe(403);
    expect(primary.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(primary.headers.get('x-ratelimit-reset')) - Date.now() / 1000).toBeGreaterThan(25);
    expect(primary.body.message).toMatch(/^API rate limit exceeded for installation ID 777\./);
    fake.throttle({ count: 1, status: 403, retryAfterSeconds: 60 });
    const secondary = await api(fake.url, 'GET', RUNS);
    expect([secondary.status, secondary.headers.get('retry-after')]).toEqual([403, '60']);
    expect(secondary.headers.get('x-ratelimit-remaining')).not.toBe('0');
    const used = Number(secondary.headers.get('x-ratelimit-used'));
    const after = await api(fake.url, 'GET', RUNS);
    expect(after.status).toBe(200);
    expect(Number(after.headers.get('x-ratelimit-used'))).toBe(used + 1);

    const { body } = await dispatch({ ref: 'main', inputs: inputs('job-e', 'x'), return_run_details: true });
    await completed(fake, body.workflow_run_id);
    const artifact = (await api(fake.url, 'GET', `${RUNS}/${body.workflow_run_id}/artifacts`)).body.artifacts[0];
    const location = (await api(fake.url, 'GET', `/repos/acme/images/actions/artifacts/${artifact.id}/zip`)).headers.get('location')!;
    await sleep(400);
    expect((await blob(location)).status).toBe(403);
    fake.expireArtifact(artifact.id);
    const gone = await api(fake.url, 'GET', `/repos/acme/images/actions/artifacts/${artifact.id}/zip`);
    expect(gone.status).toBe(410);
    expect(dotcom.documented('GET', `/repos/acme/images/actions/artifacts/${artifact.id}/zip`, 410)).toBeDefined();
  });

  it('plays the scenarios: hostile entries, padding, no artifact, a run that never appears, forced outcomes', async () => {
    const synthetic = { synthetic: { files: { 'packer.log': 'synthetic build\n', 'build.json': '{}' } }, runDelayMs: 200 };
    const fake = await start({
      cancelGraceMs: 300,
      scenario: ({ line }) =>
        ({
          hostile: { ...synthetic, artifact: { extraEntries: [{ name: '../escape.txt', data: 'out' }, { name: '/abs', data: 'root' }] } },
          padded: { ...synthetic, artifact: { padBytes: 3 * 1024 * 1024 } },
          missing: { ...synthetic, artifact: 'missing' as const },
          ghost: { appear: false as const },
          startup: { conclusion: 'startup_failure' as const },
          approval: { conclusion: 'action_required' as const },
          forced: { conclusion: 'failure' as const },
          'slow-timeout': { conclusion: 'timed_out' as const, timeoutAfterMs: 300 },
        })[line ?? ''] ?? {},
    });
    const ids: Record<string, number> = {};
    for (const line of ['hostile', 'padded', 'missing', 'ghost', 'startup', 'approval', 'forced', 'slow-timeout']) {
      const answer = await api(fake.url, 'POST', DISPATCH, { body: { ref: 'main', inputs: inputs(`job-${line}`, line), return_run_details: true } });
      expect(answer.status).toBe(200);
      ids[line] = answer.body.workflow_run_id;
    }
    await Promise.all(Object.entries(ids).filter(([line]) => line !== 'ghost').map(([, id]) => completed(fake, id)));
    const conclusions = Object.fromEntries(fake.runs.map((run) => [run.inputs.line, run.conclusion]));
    expect(conclusions).toEqual({ hostile: 'success', padded: 'success', missing: 'success', startup: 'startup_failure', approval: 'action_required', forced: 'failure', 'slow-timeout': 'timed_out' });

    const artifactOf = async (line: string) => (await api(fake.url, 'GET', `${RUNS}/${ids[line]}/artifacts`)).body;
    const hostile = (await artifactOf('hostile')).artifacts[0];
    const zip = (await blob((await api(fake.url, 'GET', `/repos/acme/images/actions/artifacts/${hostile.id}/zip`)).headers.get('location')!)).data;
    expect(zipEntryNames(zip)).toEqual(['packer.log', 'build.json', '../escape.txt', '/abs']);
    await expect(unzip(zip)).rejects.toThrow(/invalid relative path: \.\.\/escape\.txt/);
    expect((await artifactOf('padded')).artifacts[0].size_in_bytes).toBeGreaterThan(3 * 1024 * 1024);
    expect((await artifactOf('missing')).total_count).toBe(0);

    // The run that never appears: the dispatch was accepted, the id it gave leads nowhere, no listing has it.
    expect((await api(fake.url, 'GET', `${RUNS}/${ids.ghost}`)).status).toBe(404);
    expect((await api(fake.url, 'GET', RUNS)).body.workflow_runs.map((run: any) => run.display_title)).not.toContain('goldsmith job job-ghost');
    expect(fake.dispatches.find((dispatch) => dispatch.inputs.line === 'ghost')?.runId).toBeUndefined();

    for (const line of ['startup', 'approval']) expect((await api(fake.url, 'GET', `${RUNS}/${ids[line]}/jobs`)).body.total_count).toBe(0);
    const forced = (await api(fake.url, 'GET', `${RUNS}/${ids.forced}/jobs`)).body.jobs[0];
    expect(steps(forced).slice(2, 4)).toEqual(['3 Build with Packer: completed/failure', '4 Upload the build evidence: completed/failure']);
    expect(fake.runs.find((run) => run.inputs.line === 'forced')!.job!.pid).toBeUndefined();
    const timedOut = (await api(fake.url, 'GET', `${RUNS}/${ids['slow-timeout']}/jobs`)).body.jobs[0];
    expect(timedOut.conclusion).toBe('timed_out');
    expect(steps(timedOut)[2]).toBe('3 Build with Packer: completed/cancelled');
    expect(groupAlive(fake.runs.find((run) => run.inputs.line === 'slow-timeout')!.job!.pid!)).toBe(false);
  });

  it('mounts in FakeGitHub: its installation tokens work, its URL is the one in every link', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const actions = new FakeActions({ owner: 'acme', repo: 'images', scenario: () => ({ synthetic: { files: { 'packer.log': 'mounted\n' } } }), queueDelayMs: 10 });
    const github = await FakeGitHub.start({ owner: 'acme', repo: 'images', appId: 4242, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), actions });
    started.push(github);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: Math.floor(Date.now() / 1000) - 30, exp: Math.floor(Date.now() / 1000) + 300, iss: '4242' })}`;
    const jwt = `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
    const issued = await fetch(`${github.url}/app/installations/777/access_tokens`, { method: 'POST', headers: { authorization: `Bearer ${jwt}` } });
    const { token } = (await issued.json()) as { token: string };

    expect(actions.url).toBe(github.url);
    const dispatched = await api(github.url, 'POST', DISPATCH, { body: { ref: 'main', inputs: inputs('job-m', 'win2025'), return_run_details: true }, auth: `token ${token}` });
    expect(dispatched.status).toBe(200);
    expect(dispatched.body.html_url).toBe(`${github.url}/acme/images/actions/runs/${dispatched.body.workflow_run_id}`);
    expect((await api(github.url, 'GET', RUNS, { auth: `token ${TOKEN}` })).status).toBe(401);
    await completed(actions, dispatched.body.workflow_run_id);
    const artifact = (await api(github.url, 'GET', `${RUNS}/${dispatched.body.workflow_run_id}/artifacts`, { auth: `token ${token}` })).body.artifacts[0];
    const location = (await api(github.url, 'GET', `/repos/acme/images/actions/artifacts/${artifact.id}/zip`, { auth: `token ${token}` })).headers.get('location')!;
    expect(location.startsWith(`${github.url}/_blobs/`)).toBe(true);
    expect((await unzip((await blob(location)).data)).get('packer.log')!.toString()).toBe('mounted\n');
    // FakeGitHub's own routes are untouched.
    const ref = await fetch(`${github.url}/repos/acme/images/git/ref/heads/main`, { headers: { authorization: `token ${token}` } });
    expect(ref.status).toBe(200);
    expect(github.calls.some((call) => call.path.includes('/actions/'))).toBe(false);
  });
});

describe('closing the fake', () => {
  it('kills a runner that is still going, with its whole process group', async () => {
    const fake = await FakeActions.start({ owner: 'acme', repo: 'images', token: TOKEN, workspace, goldsmithCommand: [process.execPath, STAND_IN], queueDelayMs: 10 });
    await api(fake.url, 'POST', DISPATCH, { body: { ref: 'main', inputs: inputs('job-close', 'slow-close') } });
    const running = await fake.waitForRun((run) => run.job?.log.some((line) => line.includes('grandchild')) ?? false, 10_000);
    const grandchild = Number(/grandchild (\d+) started/.exec(running.job!.log.join('\n'))![1]);
    await fake.close();
    expect(groupAlive(running.job!.pid!)).toBe(false);
    expect(() => process.kill(grandchild, 0)).toThrow();
    expect(running.conclusion).toBe('cancelled');
  });
});

describe('the OpenAPI check itself', () => {
  it('bites: a wrong shape fails, a null conclusion beside an enum passes (where ajv\'s own nullable would refuse it)', () => {
    const jobs = dotcom.documented('GET', `${RUNS}/1/jobs`, 200)!.content['application/json'].schema;
    const job = { id: 1, run_id: 2, run_url: 'u', node_id: 'n', head_sha: 's', url: 'u', html_url: null, status: 'queued', conclusion: null, created_at: '2026-01-01T00:00:00Z', started_at: '2026-01-01T00:00:00Z', completed_at: null, name: 'build', steps: [], check_run_url: 'u', labels: [], runner_id: null, runner_name: null, runner_group_id: null, runner_group_name: null, workflow_name: 'w', head_branch: 'main' };
    expect(dotcom.errors(jobs, { total_count: 1, jobs: [job] })).toBeNull();
    expect(dotcom.errors(jobs, { total_count: 1, jobs: [{ ...job, conclusion: 'bogus' }] })).toMatch(/must be equal to one of the allowed values/);
    const { runner_name: _dropped, ...incomplete } = job;
    expect(dotcom.errors(jobs, { total_count: 1, jobs: [incomplete] })).toMatch(/must have required property 'runner_name'/);
    expect(dotcom.errors({ $ref: '#/components/schemas/workflow-dispatch-response' }, { workflow_run_id: 1, run_url: 'not a uri', html_url: 'x' })).toMatch(/must match format "uri"/);
    // ajv's built-in nullable: null is refused when an enum sits beside it (job.conclusion is such a field).
    const native = new Ajv({ strict: false });
    expect(native.validate({ type: 'string', nullable: true, enum: ['success'] }, null)).toBe(false);
  });

  it('found every success and redirect the fake answered documented; only errors are not', () => {
    expect([...undocumented].filter((entry) => Number(entry.split(' ')[1]) < 400)).toEqual([]);
    expect([...undocumented].length).toBeGreaterThan(0);
  });
});
