// npm run bench:slack: how fast `goldsmith serve` acks Slack while it runs builds.
//
// 1. Compiles the fake Slack Web API (test/fakes/slack-api.ts) and the
//    request signer (test/helpers/slack-requests.ts) into .bench/slack/lib.
// 2. Starts the fake, `goldsmith serve` (through test/helpers/serve-launcher.mjs,
//    over dist/) on a folder whose two null-builder lines print 200 log lines a
//    second each, and a bare Bolt app that only acks (scripts/lib/bench-bare-bolt.mjs).
// 3. Starts the two streaming builds through /image build, then, BENCH_RUNS
//    times (default 9: one run lasts a fraction of a second, so its p99 is noisy), sends
//    BENCH_REQUESTS (500) signed requests at concurrency 50,
//    alternating `/image status` and `/image build <busy line>` (refused: busy),
//    to each server in turn, alternating which goes first.
//    Both servers are first warmed with 2 x BENCH_WARM_UP (1000) requests each:
//    the first thousand requests of a fresh process run several times slower.
// 4. Prints p50 and p99 ack latency (client-side, request sent to response read)
//    per run and the medians, the ratio goldsmith/bare, and each server's CPU
//    time per request (from /proc, to explain the ratio); exits 1 when
//    goldsmith's p99 is 100 ms or more, above 1.5x the bare app's, or any answer
//    is not the expected one.
//
// BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles goldsmith serve.
import { execFileSync, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(REPO, '.bench', 'slack');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const CONCURRENCY = 50;
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 1000);
const TARGET_P99_MS = 100;
const TARGET_RATIO = 1.5;
const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench-token';
const USER = 'U0BENCH';
const STREAM_LINES = ['bench-stream-a', 'bench-stream-b'];

function compileHelpers() {
  const out = join(WORK, 'lib');
  execFileSync(process.execPath, [
    join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
    '--outDir', out, '--rootDir', join(REPO, 'test'), '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
    '--types', 'node', '--skipLibCheck', '--strict',
    join(REPO, 'test', 'fakes', 'slack-api.ts'), join(REPO, 'test', 'helpers', 'slack-requests.ts'),
  ], { stdio: 'inherit', cwd: REPO });
  return out;
}

function setUpFolder() {
  const dir = join(WORK, 'site');
  mkdirSync(join(dir, 'packer', 'stream'), { recursive: true });
  const entry = (key) => ({ key, enabled: true, os: 'linux', platform: 'local', dist: 'null', version: '1', build_dir: 'stream', config: 'stream/stream.pkrvars.hcl', base_name: key, timeout_minutes: 60 });
  writeFileSync(join(dir, 'packer', 'matrix.json'), JSON.stringify(STREAM_LINES.map(entry)));
  writeFileSync(join(dir, 'packer', 'stream', 'stream.pkrvars.hcl'), 'bursts = 100000\n');
  // 50 lines every quarter second: 200 lines a second per build, with few forks.
  writeFileSync(join(dir, 'packer', 'stream', 'build.pkr.hcl'), `variable "bursts" {
  type = number
}
variable "manifest_path" {
  type    = string
  default = "manifest.json"
}
source "null" "stream" {
  communicator = "none"
}
build {
  sources = ["source.null.stream"]
  provisioner "shell-local" {
    inline = ["i=0; while [ $i -lt \${var.bursts} ]; do seq 1 50 | sed \\"s/^/bench log line $i: installing package number /\\"; sleep 0.25; i=$((i+1)); done"]
  }
}
`);
  execFileSync(process.execPath, [join(REPO, 'bin', 'goldsmith.js'), 'keygen', '--out', join(dir, 'key')], { stdio: 'ignore' });
  writeFileSync(join(dir, 'goldsmith.yaml'), [
    'records: records', 'state_dir: state', 'signing:', '  key: key/signing.key', 'max_parallel: 2',
    'schedule:', '  enabled: false',
    'slack:', '  channel: C0BENCH', '  permissions:', `    build: [${USER}]`, `    cancel: [${USER}]`, '',
  ].join('\n'));
  return dir;
}

/** Spawns a node process and resolves with it once its stdout shows `pattern`. */
function startProcess(args, env, pattern, logFile) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(logFile);
    let seen = '';
    let matched = false;
    child.stdout.on('data', (chunk) => {
      log.write(chunk);
      if (matched) return;
      seen += chunk.toString('utf8');
      const match = pattern.exec(seen);
      if (match) {
        matched = true;
        resolve({ child, match });
      }
    });
    child.stderr.on('data', (chunk) => log.write(chunk));
    child.once('exit', (code) => {
      if (!matched) reject(new Error(`${args.join(' ')} exited with ${code} before it was ready; see ${logFile}`));
    });
  });
}

/** CPU time (user + system) of a process so far, in ms; /proc counts in USER_HZ, 100 a second on Linux. */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url, body, headers) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function load(url, count, helpers, responseUrl, check) {
  const latencies = [];
  const problems = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const text = index % 2 === 0 ? 'status' : `build ${STREAM_LINES[index % 4 === 1 ? 0 : 1]}`;
      const body = helpers.slashCommandBody({ text, user_id: USER, response_url: responseUrl });
      const answer = await post(url, body, helpers.signSlackBody(SECRET, body));
      latencies.push(answer.ms);
      const problem = check(answer, text);
      if (problem) problems.push(problem);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), problems, latencies };
}

const checkBare = (answer) => (answer.status === 200 ? undefined : `bare app answered ${answer.status}`);
function checkGoldsmith(answer, text) {
  if (answer.status !== 200) return `goldsmith answered ${answer.status} to ${text}`;
  const { text: said = '' } = JSON.parse(answer.body);
  if (text === 'status' ? !said.includes('Running and queued') : !said.includes('is busy')) return `goldsmith answered "${said.slice(0, 120)}" to ${text}`;
  return undefined;
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;

async function main() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const lib = compileHelpers();
  const { FakeSlackApi } = await import(pathToFileURL(join(lib, 'fakes', 'slack-api.js')).href);
  const helpers = await import(pathToFileURL(join(lib, 'helpers', 'slack-requests.js')).href);
  const dir = setUpFolder();
  const slack = await FakeSlackApi.start({ token: TOKEN });
  const env = { SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: slack.apiUrl };
  const children = [];
  try {
    const serve = await startProcess(
      // BENCH_SERVE_NODE_ARGS (for example "--cpu-prof") goes to node before the launcher, for profiling.
      [...(process.env.BENCH_SERVE_NODE_ARGS?.split(' ').filter(Boolean) ?? []), join(REPO, 'test', 'helpers', 'serve-launcher.mjs'), '--config', join(dir, 'goldsmith.yaml'), '--port', '0', '--host', '127.0.0.1', '--drain-seconds', '0', '--tuning', JSON.stringify({ slackRetries: 0 })],
      env, /"url":"(http:\/\/[^"]+)","slack_events"/, join(WORK, 'serve.log'),
    );
    children.push(serve.child);
    const bare = await startProcess([join(REPO, 'scripts', 'lib', 'bench-bare-bolt.mjs')], env, /listening (\d+)/, join(WORK, 'bare.log'));
    children.push(bare.child);
    const goldsmithUrl = `${serve.match[1]}/slack/events`;
    const bareUrl = `http://127.0.0.1:${bare.match[1]}/slack/events`;
    const responseUrl = slack.responseUrl();

    const streams = STREAM_LINES;
    for (const line of streams) {
      const body = helpers.slashCommandBody({ text: `build ${line}`, user_id: USER, response_url: responseUrl });
      const answer = await post(goldsmithUrl, body, helpers.signSlackBody(SECRET, body));
      if (!answer.body.includes('Queued')) throw new Error(`could not start ${line}: ${answer.body}`);
    }
    for (;;) {
      const health = await (await fetch(`${serve.match[1]}/healthz`)).json();
      if (health.running === streams.length) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 3000)); // let both logs stream

    // Warm both servers (JIT, connections) before measuring: the first thousand requests are several times slower.
    for (let round = 0; round < 2; round += 1) {
      await load(bareUrl, WARM_UP, helpers, responseUrl, checkBare);
      await load(goldsmithUrl, WARM_UP, helpers, responseUrl, checkGoldsmith);
    }

    const runs = { bare: [], goldsmith: [] };
    const pids = { bare: bare.child.pid, goldsmith: serve.child.pid };
    for (let run = 0; run < RUNS; run += 1) {
      const order = run % 2 === 0 ? ['bare', 'goldsmith'] : ['goldsmith', 'bare'];
      for (const name of order) {
        const cpuBefore = cpuMsOf(pids[name]);
        const result = name === 'bare' ? await load(bareUrl, REQUESTS, helpers, responseUrl, checkBare) : await load(goldsmithUrl, REQUESTS, helpers, responseUrl, checkGoldsmith);
        result.cpu = (cpuMsOf(pids[name]) - cpuBefore) / REQUESTS;
        if (result.problems.length > 0) throw new Error(`${name}: ${result.problems.length} bad answers, first: ${result.problems[0]}`);
        runs[name].push(result);
        console.log(`run ${run + 1} ${name.padEnd(9)} p50 ${fmt(result.p50).padStart(9)}  p99 ${fmt(result.p99).padStart(9)}  cpu ${result.cpu.toFixed(2)} ms/request`);
      }
    }
    const health = await (await fetch(`${serve.match[1]}/healthz`)).json();
    if (health.running !== streams.length) throw new Error(`the two streaming builds stopped during the benchmark (running: ${health.running}); see ${join(WORK, 'serve.log')}`);

    const summary = Object.fromEntries(
      Object.entries(runs).map(([name, results]) => {
        // Every run's latencies together: one run lasts a fraction of a second, so its p99 (the 5th worst
        // answer) depends on whether a GC pause or a burst of build output fell inside it.
        const pooled = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
        return [name, { p50: median(results.map((r) => r.p50)), p99: median(results.map((r) => r.p99)), pooledP50: percentile(pooled, 50), pooledP99: percentile(pooled, 99), cpu: median(results.map((r) => r.cpu)) }];
      }),
    );
    const ratio = summary.goldsmith.p99 / summary.bare.p99;
    console.log(`\n${REQUESTS} signed requests (status and build, alternating) at concurrency ${CONCURRENCY}, while two builds stream 200 log lines/s each; medians of ${RUNS} runs:`);
    console.log(`  bare Bolt app  p50 ${fmt(summary.bare.p50)}  p99 ${fmt(summary.bare.p99)}  cpu ${summary.bare.cpu.toFixed(2)} ms/request`);
    console.log(`  goldsmith      p50 ${fmt(summary.goldsmith.p50)}  p99 ${fmt(summary.goldsmith.p99)}  cpu ${summary.goldsmith.cpu.toFixed(2)} ms/request`);
    console.log(`  ratio (goldsmith / bare): p50 ${(summary.goldsmith.p50 / summary.bare.p50).toFixed(2)}x  p99 ${ratio.toFixed(2)}x`);
    console.log(`all ${RUNS * REQUESTS} requests of each together: bare p50 ${fmt(summary.bare.pooledP50)} p99 ${fmt(summary.bare.pooledP99)}; goldsmith p50 ${fmt(summary.goldsmith.pooledP50)} p99 ${fmt(summary.goldsmith.pooledP99)}; p99 ratio ${(summary.goldsmith.pooledP99 / summary.bare.pooledP99).toFixed(2)}x`);
    const missed = [];
    if (summary.goldsmith.p99 >= TARGET_P99_MS) missed.push(`goldsmith p99 ${fmt(summary.goldsmith.p99)} is not under ${TARGET_P99_MS} ms`);
    if (ratio > TARGET_RATIO) missed.push(`goldsmith p99 is ${ratio.toFixed(2)}x the bare app's, above ${TARGET_RATIO}x`);
    for (const line of missed) console.log(`TARGET MISSED: ${line}`);
    if (missed.length === 0) console.log(`targets met: p99 under ${TARGET_P99_MS} ms and at most ${TARGET_RATIO}x the bare app's`);
    process.exitCode = missed.length > 0 ? 1 : 0;
  } finally {
    agent.destroy();
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    await slack.close();
  }
}

main().catch((error) => {
  console.error(`bench:slack: ${error.message}`);
  process.exitCode = 1;
});
