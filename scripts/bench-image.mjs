// npm run bench:image: what goldsmith costs on a real image build. The qemu-debian-12
// line (Packer, QEMU under software emulation, Ansible) built BENCH_ROUNDS (3) times by
// a bare `packer build` and by `goldsmith build --wait`, alternating which goes first,
// in the same run; each round also builds the Debian base disk afresh (the "base"
// stage; BENCH_BASE=0 skips it). About 8 minutes a round on 2 cores: run it alone.
//
// goldsmith's build time excludes the image checklist (its own timings, from the job's
// checklist.log), which the bare build does not do; everything else it does counts:
// queue, seed, validate, capture and scrubbing, finding and hashing the image, moving it
// into the image directory, sealing. Prints each stage's median, the ratio goldsmith /
// bare (target at most 1.05) and goldsmith's own peak RSS (its node process, not Packer
// or QEMU; target under 200 MiB). Exits 1 when a target is missed.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, timed } from './lib/bench-measure.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WITH_BASE = process.env.BENCH_BASE !== '0';
const TARGET_RATIO = 1.05;
const TARGET_RSS_MIB = 200;
const LINE = 'qemu-debian-12';
const REPO = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(REPO, '.bench', 'image');
const LINE_DIR = join(REPO, 'packer', 'qemu', 'debian-12');
const BASE = join(REPO, '.infra', 'images', 'debian-12-base.qcow2');
const dist = (path) => import(pathToFileURL(join(REPO, 'dist', path)).href);

const { writeQemuBuildSeed } = await dist('pipeline/stores/qemu/boot-image-build-seed.js');
const { qemuBuildSeedVars } = await dist('pipeline/stores/qemu/boot-image-build-vars.js');
const { loadLineImagesYaml } = await dist('pipeline/stores/qemu/check-image-metadata.js');
const { imagesYamlPackerVars } = await dist('config/images-yaml-packer-vars.js');
const { loadConfig } = await dist('config/load-config.js');

/** A goldsmith folder for the line, as demo:image makes one; returns the line's matrix entry. */
function setUp() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'packer', 'qemu'), { recursive: true });
  mkdirSync(join(WORK, 'packer', 'config'));
  symlinkSync(LINE_DIR, join(WORK, 'packer', 'qemu', 'debian-12'));
  const entry = { ...JSON.parse(readFileSync(join(REPO, 'packer', 'matrix.json'), 'utf8')).find((candidate) => candidate.key === LINE), enabled: true };
  writeFileSync(join(WORK, 'packer', 'matrix.json'), JSON.stringify([entry], null, 2));
  writeFileSync(join(WORK, 'line.pkrvars.hcl'), `base_name = "${LINE}"\nbase_image = "${BASE}"\nbase_image_checksum = "file:${BASE}.sha256"\n`);
  symlinkSync(join(WORK, 'line.pkrvars.hcl'), join(WORK, 'packer', 'config', `${LINE}.pkrvars.hcl`));
  execFileSync(process.execPath, [join(REPO, 'bin', 'goldsmith.js'), 'keygen', '--out', join(WORK, 'key')], { stdio: 'ignore' });
  writeFileSync(join(WORK, 'goldsmith.yaml'), 'records: records\nstate_dir: state\npacker:\n  matrix: packer/matrix.json\nsigning:\n  key: key/signing.key\nqemu:\n  image_dir: images\n');
  return entry;
}

/** The environment both builds start from: the caller's, without any goldsmith, Packer or vCenter settings of theirs. */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(GOLDSMITH_|PKR_VAR_|GOVC_|PACKER_)/.test(name)));
}

/** The base disk, built afresh into a scratch folder (root: mmdebstrap --mode=root). */
async function buildBase(round) {
  const out = mkdtempSync(join(tmpdir(), 'goldsmith-bench-base-'));
  const script = join(REPO, 'scripts', 'lib', 'build-debian-base');
  const [command, args] = process.getuid() === 0 ? [script, [out]] : ['sudo', ['-n', script, out]];
  const log = openSync(join(WORK, `base-${round}.log`), 'w');
  try {
    return (await timed(command, args, { stdio: ['ignore', log, log] })).seconds;
  } finally {
    closeSync(log);
    execFileSync(...(process.getuid() === 0 ? ['rm', ['-rf', out]] : ['sudo', ['-n', 'rm', '-rf', out]]));
  }
}

/** `packer build` as a user types it, with the same variables goldsmith gives the line. */
async function buildBare(round, entry) {
  const dir = join(WORK, `bare-${round}`);
  mkdirSync(dir, { recursive: true });
  await writeQemuBuildSeed({ jobDir: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  const images = imagesYamlPackerVars(loadLineImagesYaml({ config: loadConfig({ file: join(WORK, 'goldsmith.yaml'), cwd: WORK, paths: {} }), entry }));
  const env = { ...cleanEnv(), ...qemuBuildSeedVars(dir), ...images, PKR_VAR_output_directory: join(dir, 'output'), PKR_VAR_manifest_path: join(dir, 'manifest.json'), CHECKPOINT_DISABLE: '1' };
  const out = openSync(join(dir, 'packer.out'), 'w');
  try {
    return (await timed('packer', ['build', `-var-file=${join(WORK, 'line.pkrvars.hcl')}`, '.'], { cwd: LINE_DIR, env, stdio: ['ignore', out, out] })).seconds;
  } finally {
    closeSync(out);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The checklist's own seconds in a job's checklist.log ("checklist: ... in 60.5 s" per part). */
function checklistSeconds(jobDir) {
  const log = readFileSync(join(jobDir, 'checklist.log'), 'utf8');
  return [...log.matchAll(/checklist: .* in ([\d.]+) s$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

async function buildGoldsmith(round) {
  const jobs = join(WORK, 'state', 'jobs');
  const before = new Set(readdirSync(jobs, { withFileTypes: false }).map(String));
  const out = openSync(join(WORK, `goldsmith-${round}.out`), 'w');
  let run;
  try {
    run = await timed(process.execPath, [join(REPO, 'bin', 'goldsmith.js'), '--config', join(WORK, 'goldsmith.yaml'), 'build', LINE, '--wait'], { cwd: WORK, env: cleanEnv(), stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
  const job = readdirSync(jobs).find((name) => !before.has(name));
  const checklist = checklistSeconds(join(jobs, job));
  return { total: run.seconds, checklist, build: run.seconds - checklist, packer: packerSeconds(Number(job)), peakMiB: run.peakMiB };
}

/** How long Packer itself ran under goldsmith (validate and build): from the job's stage "validating" to the stage after Packer. */
function packerSeconds(jobId) {
  const db = new Database(join(WORK, 'state', 'jobs.sqlite'), { readonly: true });
  try {
    const stages = db.prepare("SELECT at, detail FROM events WHERE job_id = ? AND kind = 'stage' ORDER BY id").all(jobId);
    const at = (stage) => Date.parse(stages.find((row) => row.detail === stage)?.at ?? '');
    return (at('checking the image') - at('validating')) / 1000;
  } finally {
    db.close();
  }
}

const entry = setUp();
mkdirSync(join(WORK, 'state', 'jobs'), { recursive: true });
const times = { base: [], bare: [], goldsmith: [], checklist: [], total: [], packer: [], overhead: [] };
const peaks = [];
console.log(`bench:image: ${LINE}, ${ROUNDS} rounds, bare packer build and goldsmith build --wait alternating${WITH_BASE ? ', base disk built afresh each round' : ''}`);
for (let round = 1; round <= ROUNDS; round++) {
  if (WITH_BASE) times.base.push(await buildBase(round));
  const bareFirst = round % 2 === 1;
  const order = bareFirst ? ['bare', 'goldsmith'] : ['goldsmith', 'bare'];
  for (const who of order) {
    if (who === 'bare') times.bare.push(await buildBare(round, entry));
    else {
      const ours = await buildGoldsmith(round);
      times.goldsmith.push(ours.build);
      times.checklist.push(ours.checklist);
      times.total.push(ours.total);
      times.packer.push(ours.packer);
      times.overhead.push(ours.build - ours.packer);
      peaks.push(ours.peakMiB);
    }
  }
  const base = WITH_BASE ? `base ${times.base.at(-1).toFixed(1)} s, ` : '';
  console.log(
    `  round ${round} (${order.join(' then ')}): ${base}bare packer build ${times.bare.at(-1).toFixed(1)} s, ` +
      `goldsmith ${times.total.at(-1).toFixed(1)} s = build ${times.goldsmith.at(-1).toFixed(1)} s (Packer ${times.packer.at(-1).toFixed(1)} s + goldsmith's own ${times.overhead.at(-1).toFixed(1)} s) + checklist ${times.checklist.at(-1).toFixed(1)} s, peak RSS ${peaks.at(-1).toFixed(0)} MiB`,
  );
}
const ratio = median(times.goldsmith) / median(times.bare);
const peak = Math.max(...peaks);
console.log(`median base disk (build-debian-base):      ${WITH_BASE ? `${median(times.base).toFixed(1)} s` : 'skipped (BENCH_BASE=0)'}`);
console.log(`median build, bare packer build:           ${median(times.bare).toFixed(1)} s`);
console.log(`median build, goldsmith (no checklist):    ${median(times.goldsmith).toFixed(1)} s`);
console.log(`  of which Packer under goldsmith:          ${median(times.packer).toFixed(1)} s`);
console.log(`  of which goldsmith's own work:           ${median(times.overhead).toFixed(1)} s (queue, seed, image hash and move, record)`);
console.log(`median checklist (offline + boot):         ${median(times.checklist).toFixed(1)} s`);
console.log(`median goldsmith build --wait in all:      ${median(times.total).toFixed(1)} s`);
console.log(`ratio goldsmith / bare: ${ratio.toFixed(3)} (target <= ${TARGET_RATIO})`);
console.log(`goldsmith peak RSS: ${peak.toFixed(0)} MiB (target < ${TARGET_RSS_MIB} MiB)`);
const missed = [ratio > TARGET_RATIO && 'ratio', peak >= TARGET_RSS_MIB && 'peak RSS'].filter(Boolean);
if (missed.length > 0) {
  console.log(`MISSED: ${missed.join(', ')}`);
  process.exit(1);
}
