#!/usr/bin/env node
// Benchmark of `goldsmith audit` against what an assessor runs by hand.
//
//   npm run bench:audit          (builds dist/, then runs this script)
//
// 1. Generates (once, cached under .bench/) a records folder of 1,001 records
//    holding 2.3 GiB of logs, through the real writer in dist/evidence.
// 2. Warms the page cache with one untimed run of each contender, then times
//    5 runs each of `goldsmith audit` and of `sha256sum -c`, alternating:
//    - audit:     node bin/goldsmith.js audit --allowed-signers FILE DIR
//    - sha256sum: one bash loop that, for every record in turn, cds into the
//                 record folder and runs `sha256sum -c --quiet SHA256SUMS`
//                 (what an assessor does by hand, one record after another).
// 3. Times, as secondary baselines over the same logs, the sha256-file
//    package's streaming (callback) form and goldsmith's own hashFile, each
//    one file at a time on one thread.
// 4. Prints the medians, the ratio (sha256sum time / audit time) and the
//    audit's peak RSS, and exits 1 when the audit is not at least 2x faster
//    or peaks above 150 MiB.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const { writeRecord } = await import(join(REPO, 'dist/evidence/write-record.js'));
const { generateSigningKey } = await import(join(REPO, 'dist/evidence/ssh-keys.js'));
const { RUN_SCHEMA_VERSION } = await import(join(REPO, 'dist/evidence/run-schema.js'));

// Bump CORPUS_VERSION whenever the generated corpus changes shape; stale corpora are deleted.
const CORPUS_VERSION = 'c1';
const STAMP = `${CORPUS_VERSION}-${RUN_SCHEMA_VERSION.replace(/[^\w.-]/g, '_')}`;
const BENCH_DIR = join(REPO, '.bench');
const CORPUS = join(BENCH_DIR, `audit-corpus-${STAMP}`);
const ROOT = join(CORPUS, 'records');
const ALLOWED = join(CORPUS, 'allowed_signers');
const DONE = join(CORPUS, 'complete.json');

const BUILDS = 700;
const PROMOTIONS = 300;
const LINES = ['ubuntu-24.04', 'ubuntu-22.04', 'debian-12', 'rhel-9', 'win2022', 'win2025'];
const MiB = 1 << 20;
/** Build log sizes: 1 to 5 MiB (avg 3), plus two 128 MiB logs to show memory stays flat. */
const buildLogBytes = (index) => (index === 100 || index === 500 ? 128 * MiB : (1 + (index % 5)) * MiB + ((index * 7919) % 65536));
const TIMED_RUNS = 5;
const SECONDARY_RUNS = 3;
const TARGET_RATIO = 2;
const TARGET_RSS_MIB = 150;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const gib = (bytes) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

function buildDetails(line, index) {
  return {
    line,
    job_id: String(index),
    requested_by: { source: 'schedule', user: 'goldsmith' },
    started_at: '2026-11-24T08:00:00Z',
    finished_at: '2026-11-24T08:40:00Z',
    packer: { version: '1.6.6' },
    template: { dir: `packer/${line}`, git_commit: '0123456789abcdef0123456789abcdef01234567', hcl_sha256: 'a'.repeat(64) },
    var_files: [{ path: `packer/${line}/${line}.pkrvars.hcl`, sha256: 'b'.repeat(64) }],
    install_media: { iso_path: `[datastore1] iso/${line}.iso`, iso_checksum: `sha256:${'c'.repeat(64)}`, files: [] },
    target: { platform: 'vsphere', vcenter: 'vcenter.example.test', datacenter: 'DC0', folder: 'Templates', template_name: `${line}-build` },
    artifact: { artifact_id: `${line}-build`, packer_run_uuid: `6f1b5a3e-0000-4000-8000-${String(index).padStart(12, '0')}`, builder_type: 'vsphere-iso' },
  };
}

function promotionDetails(line, build, index) {
  return {
    action: 'promote',
    line,
    job_id: String(index),
    requested_by: { source: 'github', user: 'alice' },
    approved_by: [{ source: 'github', user: 'bob' }],
    started_at: '2026-11-24T09:00:00Z',
    finished_at: '2026-11-24T09:01:00Z',
    build: { record: build.record, sums_sha256: build.sumsSha256 },
    pull_request: { url: 'https://github.example.test/acme/images/pull/3', number: 3 },
    target: { platform: 'vsphere', vcenter: 'vcenter.example.test', datacenter: 'DC0', folder: 'Templates', template_name: line },
    steps: [{ name: `rename ${line}-build to ${line}`, result: 'ok', detail: '', at: '2026-11-24T09:00:30Z' }],
  };
}

/** A 1 MiB block of Packer-like log lines, repeated to make each log. */
function logBlock() {
  const lines = [];
  for (let step = 0; lines.join('').length < MiB; step += 1) {
    lines.push(`${1732435200 + step},vsphere-iso.template,ui,message,    vsphere-iso.template: TASK [hardening : step ${step}] ok: [default] changed=0\n`);
  }
  return Buffer.from(lines.join('')).subarray(0, MiB);
}

function writeLog(path, index, size, block) {
  const fd = openSync(path, 'w');
  try {
    const header = Buffer.from(`==> goldsmith bench log ${index} (${size} bytes)\n`);
    writeSync(fd, header);
    let left = size - header.length;
    while (left > 0) left -= writeSync(fd, block, 0, Math.min(left, block.length));
  } finally {
    closeSync(fd);
  }
}

async function generateCorpus() {
  if (existsSync(DONE)) return { ...JSON.parse(readFileSync(DONE, 'utf8')), fresh: false };
  mkdirSync(BENCH_DIR, { recursive: true });
  for (const name of readdirSync(BENCH_DIR)) if (name.startsWith('audit-corpus-')) rmSync(join(BENCH_DIR, name), { recursive: true, force: true });
  mkdirSync(CORPUS, { recursive: true });
  const { key } = generateSigningKey('goldsmith@bench');
  writeFileSync(ALLOWED, `goldsmith namespaces="goldsmith-record" ${key.publicLine}\n`);
  const signer = { key, identity: 'goldsmith' };
  // Source logs are staged in RAM when possible: only the writer's copy should touch the disk.
  const scratch = existsSync('/dev/shm') ? '/dev/shm' : BENCH_DIR;
  const source = join(scratch, `goldsmith-bench-log-${process.pid}`);
  const block = logBlock();
  let clock = Date.parse('2026-11-24T08:00:00Z');
  const now = () => new Date((clock += 60_000));
  const started = performance.now();
  let logBytes = 0;
  const promoteEvery = BUILDS / PROMOTIONS;
  let promoted = 0;
  try {
    for (let index = 0; index < BUILDS; index += 1) {
      const line = LINES[index % LINES.length];
      const size = buildLogBytes(index);
      writeLog(source, index, size, block);
      const build = await writeRecord({ root: ROOT, signer, now, content: { kind: 'build', details: buildDetails(line, index), log: source } });
      logBytes += size;
      if (promoted < PROMOTIONS && (index + 1) / promoteEvery >= promoted + 1) {
        const text = `govc object.rename ${line}-build ${line}\n`.repeat(64);
        writeFileSync(source, text);
        await writeRecord({ root: ROOT, signer, now, content: { kind: 'promotion', details: promotionDetails(line, build, index), log: source } });
        logBytes += text.length;
        promoted += 1;
      }
      if ((index + 1) % 100 === 0) process.stdout.write(`  generated ${index + 1}/${BUILDS} builds, ${gib(logBytes)} of logs\n`);
    }
  } finally {
    rmSync(source, { force: true });
  }
  const corpus = { records: 1 + BUILDS + promoted, builds: BUILDS, promotions: promoted, logBytes, generatedIn: performance.now() - started };
  writeFileSync(DONE, `${JSON.stringify(corpus, null, 2)}\n`);
  return { ...corpus, fresh: true };
}

/** Every record folder (relative to ROOT) and every log, for the baselines. */
function listCorpus() {
  const records = [];
  const logs = [];
  const visit = (folder) => {
    for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = `${folder}/${entry.name}`;
      if (/^\d{8}T\d{6}Z$/.test(entry.name)) {
        records.push(path);
        for (const log of ['packer.log', 'promote.log']) if (existsSync(join(ROOT, path, log))) logs.push(join(ROOT, path, log));
      } else visit(path);
    }
  };
  for (const top of ['init', 'builds', 'promotions']) visit(top);
  return { records, logs };
}

const HAS_GNU_TIME = existsSync('/usr/bin/time');

/** Peak RSS of a running process, polled from /proc when GNU time is not installed. */
function pollPeakRss(pid) {
  let peakKiB = 0;
  const timer = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peakKiB = Math.max(peakKiB, Number(match[1]));
    } catch {
      // The process has exited.
    }
  }, 10);
  return () => {
    clearInterval(timer);
    return peakKiB;
  };
}

/** Runs a command to completion; returns wall time, exit code, and (with measureRss) peak RSS in KiB. */
function run(command, args, { measureRss = false } = {}) {
  return new Promise((resolve, reject) => {
    const wrapped = measureRss && HAS_GNU_TIME ? ['/usr/bin/time', ['-f', 'GOLDSMITH_BENCH_MAXRSS %M', command, ...args]] : [command, args];
    const started = performance.now();
    const child = spawn(wrapped[0], wrapped[1], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const stopPolling = measureRss && !HAS_GNU_TIME ? pollPeakRss(child.pid) : undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const polled = stopPolling?.();
      const timed = /GOLDSMITH_BENCH_MAXRSS (\d+)/.exec(stderr);
      resolve({ ms, code, stdout, stderr: stderr.replace(/GOLDSMITH_BENCH_MAXRSS \d+\n?/, ''), rssKiB: timed ? Number(timed[1]) : polled });
    });
  });
}

const SHA256SUM_LOOP = 'while IFS= read -r record; do cd "$1/$record" && sha256sum -c --quiet SHA256SUMS || exit 1; done < "$2"';

const SHA256_FILE_SCRIPT = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const sha256File = createRequire(process.cwd() + '/package.json')('sha256-file');
for (const path of readFileSync(process.argv[1], 'utf8').split('\\n').filter(Boolean)) {
  await new Promise((resolve, reject) => sha256File(path, (error, sum) => (error ? reject(error) : resolve(sum))));
}`;

const HASH_FILE_SCRIPT = `
import { readFileSync } from 'node:fs';
const { hashFile } = await import(process.cwd() + '/dist/evidence/hash-file.js');
for (const path of readFileSync(process.argv[1], 'utf8').split('\\n').filter(Boolean)) await hashFile(path);`;

function expectSuccess(name, result) {
  if (result.code !== 0) {
    process.stderr.write(`${name} exited ${result.code}\n${result.stdout}\n${result.stderr}\n`);
    process.exit(2);
  }
}

async function main() {
  if (!existsSync(join(REPO, 'dist/bundle/cli.js'))) {
    process.stderr.write('dist/bundle/cli.js is missing: run "npm run bench:audit" (it builds first)\n');
    process.exit(2);
  }
  console.log(`corpus: ${CORPUS}`);
  const corpus = await generateCorpus();
  console.log(`  ${corpus.records} records, ${gib(corpus.logBytes)} of logs (${corpus.fresh ? 'generated' : 'cached; first generated'} in ${seconds(corpus.generatedIn)})`);
  const { records, logs } = listCorpus();
  const recordList = join(CORPUS, 'records.list');
  const logList = join(CORPUS, 'logs.list');
  writeFileSync(recordList, `${records.join('\n')}\n`);
  writeFileSync(logList, `${logs.join('\n')}\n`);

  const audit = () => run('node', ['bin/goldsmith.js', 'audit', '--allowed-signers', ALLOWED, ROOT], { measureRss: true });
  const sha256sum = () => run('bash', ['-c', SHA256SUM_LOOP, 'sha256sum-loop', ROOT, recordList]);
  const sha256File = () => run('node', ['--input-type=module', '-e', SHA256_FILE_SCRIPT, logList]);
  const hashFileOneThread = () => run('node', ['--input-type=module', '-e', HASH_FILE_SCRIPT, logList]);

  console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${gib(totalmem())} RAM, node ${process.version}`);
  console.log(`records: ${records.length}, logs: ${logs.length} files, ${gib(corpus.logBytes)}`);
  console.log('warming the page cache (one untimed run of each)...');
  const warm = await audit();
  expectSuccess('goldsmith audit', warm);
  if (!/: clean$/m.test(warm.stdout)) throw new Error(`the corpus does not audit clean:\n${warm.stdout}`);
  expectSuccess('sha256sum -c loop', await sha256sum());
  expectSuccess('sha256-file', await sha256File());
  expectSuccess('hashFile', await hashFileOneThread());

  const times = { audit: [], sha256sum: [], rss: [] };
  for (let round = 1; round <= TIMED_RUNS; round += 1) {
    const a = await audit();
    expectSuccess('goldsmith audit', a);
    times.audit.push(a.ms);
    times.rss.push(a.rssKiB);
    const s = await sha256sum();
    expectSuccess('sha256sum -c loop', s);
    times.sha256sum.push(s.ms);
    console.log(`  run ${round}: audit ${seconds(a.ms)} (peak RSS ${(a.rssKiB / 1024).toFixed(0)} MiB), sha256sum -c ${seconds(s.ms)}`);
  }
  const secondary = { sha256File: [], hashFile: [] };
  for (let round = 1; round <= SECONDARY_RUNS; round += 1) {
    const f = await sha256File();
    expectSuccess('sha256-file', f);
    secondary.sha256File.push(f.ms);
    const h = await hashFileOneThread();
    expectSuccess('hashFile', h);
    secondary.hashFile.push(h.ms);
  }

  const auditMedian = median(times.audit);
  const sumMedian = median(times.sha256sum);
  const ratio = sumMedian / auditMedian;
  const peakRssMiB = Math.max(...times.rss) / 1024;
  const sha256FileMedian = median(secondary.sha256File);
  const hashFileMedian = median(secondary.hashFile);
  const throughput = (ms) => `${((corpus.logBytes / 2 ** 20) / (ms / 1000)).toFixed(0)} MiB/s`;
  console.log('');
  console.log(`goldsmith audit (median of ${TIMED_RUNS}):       ${seconds(auditMedian)}`);
  console.log(`sha256sum -c per record (median of ${TIMED_RUNS}): ${seconds(sumMedian)}`);
  console.log(`ratio (sha256sum / audit):              ${ratio.toFixed(2)}x (target >= ${TARGET_RATIO}x)`);
  console.log(`audit peak RSS (max of ${TIMED_RUNS}):            ${peakRssMiB.toFixed(0)} MiB (target < ${TARGET_RSS_MIB} MiB, ${HAS_GNU_TIME ? '/usr/bin/time -f %M' : 'VmHWM polled from /proc'})`);
  console.log(`secondary, logs only, one file at a time on one thread (median of ${SECONDARY_RUNS}):`);
  console.log(`  sha256-file callback form (64 KiB stream chunks): ${seconds(sha256FileMedian)} (${throughput(sha256FileMedian)})`);
  console.log(`  goldsmith hashFile (1 MiB chunks):                ${seconds(hashFileMedian)} (${throughput(hashFileMedian)})`);

  const missed = [];
  if (ratio < TARGET_RATIO) missed.push(`audit is only ${ratio.toFixed(2)}x faster than sha256sum -c (target ${TARGET_RATIO}x)`);
  if (peakRssMiB >= TARGET_RSS_MIB) missed.push(`audit peaked at ${peakRssMiB.toFixed(0)} MiB (target < ${TARGET_RSS_MIB} MiB)`);
  if (missed.length > 0) {
    console.log(`\nTARGET MISSED: ${missed.join('; ')}`);
    process.exit(1);
  }
  console.log('\ntargets met');
}

await main();
