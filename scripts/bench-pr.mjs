// npm run bench:pr: what opening promotion pull requests costs while earlier ones are still open.
//
// 1. Compiles the fake GitHub REST API (test/fakes/github-api.ts) into .bench/pr/lib
//    and starts it with a fixed BENCH_LATENCY_MS (50) per request, as a distant API.
// 2. On a goldsmith folder (dist/, built by `npm run build`): BENCH_PRS (10) lines, a
//    signing key, goldsmith.yaml naming the fake's repository. For each line in turn it
//    seals a build record (BENCH_LOG_KIB, 256 KiB of log) with the real writer, then
//    opens its promotion pull request through the GitHub app (createGitHubApp, as serve
//    does), so pull request k carries every record since the base branch: none is merged.
// 3. Prints, per pull request, the requests the fake received, the blobs uploaded and the
//    wall time of opening it. As the baseline, the same run again on a fresh repository
//    with goldsmith's blob memory emptied before each pull request: what goldsmith did
//    before it remembered uploads (it knew only the base branch's blobs).
// 4. Exits 1 when the requests of a pull request grow with the number open (any pull
//    request after the first making more requests than the second) or when the last one
//    takes 5 s or more.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pino from 'pino';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(REPO, '.bench', 'pr');
const PRS = Number(process.env.BENCH_PRS ?? 10);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const LOG_KIB = Number(process.env.BENCH_LOG_KIB ?? 256);
const TARGET_LAST_MS = 5000;
const OWNER = 'acme';
const NAME = 'images';
const APP_ID = 4242;

const dist = (path) => import(pathToFileURL(join(REPO, 'dist', path)).href);

function compileFake() {
  const out = join(WORK, 'lib');
  execFileSync(process.execPath, [
    join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
    '--outDir', out, '--rootDir', join(REPO, 'test'), '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
    '--types', 'node', '--skipLibCheck', '--strict',
    join(REPO, 'test', 'fakes', 'github-api.ts'),
  ], { stdio: 'inherit', cwd: REPO });
  return out;
}

const LINES = Array.from({ length: PRS }, (_, index) => `bench-${String(index + 1).padStart(2, '0')}`);

/** Build details as the pipeline fills them (the shape of run.json's build fields). */
const detailsOf = (line, jobId) => ({
  line,
  job_id: String(jobId),
  requested_by: { source: 'slack', user: 'U0BENCH' },
  started_at: '2026-11-24T08:00:00Z',
  finished_at: '2026-11-24T08:40:00Z',
  packer: { version: '1.6.6' },
  template: { dir: `packer/${line}`, git_commit: '0123456789abcdef0123456789abcdef01234567', hcl_sha256: 'a'.repeat(64) },
  var_files: [{ path: `packer/${line}/${line}.pkrvars.hcl`, sha256: 'b'.repeat(64) }],
  install_media: { iso_path: `[datastore1] iso/${line}.iso`, iso_checksum: `sha256:${'c'.repeat(64)}`, files: [] },
  target: { platform: 'vsphere', vcenter: 'vcenter.example.test', datacenter: 'DC0', folder: 'Templates', template_name: `${line}-build` },
  artifact: { artifact_id: `${line}-build`, packer_run_uuid: null, builder_type: 'vsphere-iso' },
});

async function setUpFolder(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'packer'), { recursive: true });
  const entry = (key) => ({ key, enabled: true, os: 'linux', platform: 'vsphere', dist: 'null', version: '1', build_dir: key, config: `${key}/${key}.pkrvars.hcl`, base_name: key, timeout_minutes: 60 });
  writeFileSync(join(dir, 'packer', 'matrix.json'), JSON.stringify(LINES.map(entry)));
  const { writeKeyFiles } = await dist('evidence/write-key-files.js');
  writeKeyFiles(join(dir, 'keys'), 'goldsmith');
  const configFile = join(dir, 'goldsmith.yaml');
  writeFileSync(configFile, ['records: records', 'state_dir: state', 'signing:', '  key: keys/signing.key', 'github:', `  repository: ${OWNER}/${NAME}`, ''].join('\n'));
  const { loadConfig } = await dist('config/load-config.js');
  const { loadMatrix } = await dist('config/load-matrix.js');
  const { readSigner } = await dist('evidence/read-signer.js');
  const config = loadConfig({ file: configFile, cwd: dir, paths: { config: undefined, records: undefined, signingKey: undefined } });
  return { config, matrix: loadMatrix(config.packer.matrix), signer: readSigner(config.signing.key, 'goldsmith') };
}

/**
 * One run: a fresh repository and goldsmith folder, PRS builds sealed and their pull
 * requests opened one after the other. `forget` empties goldsmith's blob memory before
 * each pull request (the baseline).
 */
async function run(FakeGitHub, name, { forget }) {
  const dir = join(WORK, name);
  const { config, matrix, signer } = await setUpFolder(dir);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const github = await FakeGitHub.start({ owner: OWNER, repo: NAME, appId: APP_ID, publicKey, latencyMs: LATENCY_MS });
  const { createGitHubApp } = await dist('bot/github/create-github-app.js');
  const { writeRecord } = await dist('evidence/write-record.js');
  const unused = () => Promise.reject(new Error('bench:pr only opens promotion pull requests'));
  const app = await createGitHubApp({
    credentials: { appId: APP_ID, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), webhookSecret: 'bench-webhook-secret', baseUrl: github.url },
    config,
    matrix,
    promotion: { promote: unused, rollback: unused },
    signer,
    logger: pino({ level: 'error' }, pino.destination(2)),
    throttle: false,
  });
  const state = new Database(join(config.state_dir, 'jobs.sqlite'));
  const log = join(dir, 'build.log');
  let clock = Date.parse('2026-11-24T08:00:00Z');
  const results = [];
  try {
    for (const [index, line] of LINES.entries()) {
      writeFileSync(log, `==> vsphere-iso.${line}: build ${index}\n`.padEnd(LOG_KIB * 1024, '.'));
      const sealed = await writeRecord({ root: config.records, signer, now: () => new Date((clock += 60_000)), content: { kind: 'build', details: detailsOf(line, index + 1), log } });
      if (forget) state.prepare('DELETE FROM github_blobs').run();
      const before = github.calls.length;
      const started = performance.now();
      const opened = await app.openPromotionPullRequest({ record: sealed.record, jobId: index + 1 });
      const ms = performance.now() - started;
      if (opened.check?.conclusion !== 'success') throw new Error(`${name}: the evidence check of pull request ${index + 1} did not pass: ${opened.check?.summary}`);
      const calls = github.calls.slice(before);
      results.push({ requests: calls.length, uploads: calls.filter((call) => call.method === 'POST' && call.path.endsWith('/git/blobs')).length, ms });
    }
  } finally {
    state.close();
    await app.close();
    await github.close();
  }
  return results;
}

const fmtS = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const lib = compileFake();
  const { FakeGitHub } = await import(pathToFileURL(join(lib, 'fakes', 'github-api.js')).href);

  const started = performance.now();
  const now = await run(FakeGitHub, 'remembered', { forget: false });
  const took = performance.now() - started;
  const before = await run(FakeGitHub, 'baseline', { forget: true });

  console.log(`${PRS} promotion pull requests in a row, none merged, ${LATENCY_MS} ms per request at the fake GitHub API, ${LOG_KIB} KiB logs:`);
  console.log('  PR   requests  blob uploads  wall time   | baseline: requests  blob uploads  wall time');
  for (const [index, result] of now.entries()) {
    const old = before[index];
    console.log(
      `  ${String(index + 1).padStart(2)}   ${String(result.requests).padStart(8)}  ${String(result.uploads).padStart(12)}  ${fmtS(result.ms).padStart(9)}   |` +
        `           ${String(old.requests).padStart(8)}  ${String(old.uploads).padStart(12)}  ${fmtS(old.ms).padStart(9)}`,
    );
  }
  const total = (results, key) => results.reduce((sum, result) => sum + result[key], 0);
  const last = now.at(-1);
  console.log(`all ${PRS}: ${total(now, 'requests')} requests, ${total(now, 'uploads')} blob uploads, ${fmtS(total(now, 'ms'))} opening (${fmtS(took)} with sealing)`);
  console.log(`baseline all ${PRS}: ${total(before, 'requests')} requests, ${total(before, 'uploads')} blob uploads, ${fmtS(total(before, 'ms'))} opening`);
  console.log(`requests of PR 1 / PR 2 / PR ${PRS}: ${now[0].requests} / ${now[1]?.requests} / ${last.requests} (baseline ${before[0].requests} / ${before[1]?.requests} / ${before.at(-1).requests}); PR ${PRS} opened in ${fmtS(last.ms)} (baseline ${fmtS(before.at(-1).ms)})`);
  console.log(`ratio against the baseline (the old upload behaviour, same run): PR ${PRS} requests ${(last.requests / before.at(-1).requests).toFixed(2)}x, PR ${PRS} wall time ${(last.ms / before.at(-1).ms).toFixed(2)}x`);

  const missed = [];
  // The first pull request also carries the init record and fetches the installation token.
  const grown = now.slice(1).find((result) => result.requests > now[1].requests);
  if (grown) missed.push(`requests per pull request grow with the number open: PR ${now.indexOf(grown) + 1} made ${grown.requests}, PR 2 made ${now[1].requests}`);
  if (last.ms >= TARGET_LAST_MS) missed.push(`PR ${PRS} took ${fmtS(last.ms)}, not under ${fmtS(TARGET_LAST_MS)}`);
  for (const line of missed) console.log(`TARGET MISSED: ${line}`);
  if (missed.length === 0) console.log(`targets met: requests per pull request do not grow with the number open, and PR ${PRS} opened in under ${fmtS(TARGET_LAST_MS)}`);
  process.exitCode = missed.length > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(`bench:pr: ${error.stack ?? error.message}`);
  process.exitCode = 1;
});
