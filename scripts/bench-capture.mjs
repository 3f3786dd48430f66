// npm run bench:capture: the cost of goldsmith's log capture (scrubbing, stage
// parsing, the job store, sealing the record) on a build whose provisioner
// prints BENCH_MB (default 200) MB, against `packer build -machine-readable >
// file` on the same template, alternating, in the same run. Prints both
// medians, the ratio and goldsmith's peak RSS; exits 1 when a target is missed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, timed } from './lib/bench-measure.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MB = Number(process.env.BENCH_MB ?? 200);
const TARGET_RATIO = 1.3;
const TARGET_RSS_MIB = 200;
const repo = fileURLToPath(new URL('..', import.meta.url));
const work = join(repo, '.bench', 'capture');

function setUp() {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'packer', 'bench'), { recursive: true });
  writeFileSync(join(work, 'packer', 'matrix.json'), JSON.stringify([
    { key: 'bench-capture', enabled: true, os: 'linux', platform: 'local', dist: 'null', version: '1', build_dir: 'bench', config: 'bench/bench.pkrvars.hcl', base_name: 'bench', timeout_minutes: 60 },
  ]));
  writeFileSync(join(work, 'packer', 'bench', 'bench.pkrvars.hcl'), `megabytes = ${MB}\n`);
  // Lines of 4000 characters: Packer's UI, not the line count, is the bottleneck (about 1 MB/s here).
  writeFileSync(join(work, 'packer', 'bench', 'build.pkr.hcl'), `variable "megabytes" {
  type = number
}
variable "manifest_path" {
  type    = string
  default = "manifest.json"
}
source "null" "bench" {
  communicator = "none"
}
build {
  sources = ["source.null.bench"]
  provisioner "shell-local" {
    inline = ["head -c \${var.megabytes * 1048576} /dev/zero | tr '\\\\0' x | fold -w 4000"]
  }
  post-processor "manifest" {
    output = var.manifest_path
  }
}
`);
  execFileSync('node', [join(repo, 'bin', 'goldsmith.js'), 'keygen', '--out', join(work, 'key')], { stdio: 'ignore' });
  writeFileSync(join(work, 'goldsmith.yaml'), 'records: records\nstate_dir: state\nsigning:\n  key: key/signing.key\n');
}

setUp();
const packerTimes = [];
const goldsmithTimes = [];
const goldsmithRss = [];
console.log(`bench:capture: ${MB} MB of provisioner output, ${RUNS} runs each, alternating`);
for (let run = 1; run <= RUNS; run++) {
  const out = openSync(join(work, `packer-${run}.out`), 'w');
  const baseline = await timed('packer', ['build', '-machine-readable', '-var-file=bench.pkrvars.hcl', '.'], { cwd: join(work, 'packer', 'bench'), stdio: ['ignore', out, 'ignore'], env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  closeSync(out);
  rmSync(join(work, `packer-${run}.out`));
  packerTimes.push(baseline.seconds);
  const ours = await timed('node', [join(repo, 'bin', 'goldsmith.js'), '--config', join(work, 'goldsmith.yaml'), 'build', 'bench-capture', '--wait'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
  goldsmithTimes.push(ours.seconds);
  goldsmithRss.push(ours.peakMiB);
  console.log(`  run ${run}: packer > file ${baseline.seconds.toFixed(1)} s, goldsmith build ${ours.seconds.toFixed(1)} s, goldsmith peak RSS ${ours.peakMiB.toFixed(0)} MiB`);
}
const ratio = median(goldsmithTimes) / median(packerTimes);
const peak = Math.max(...goldsmithRss);
console.log(`median packer build -machine-readable > file: ${median(packerTimes).toFixed(1)} s`);
console.log(`median goldsmith build --wait:                ${median(goldsmithTimes).toFixed(1)} s`);
console.log(`ratio goldsmith / packer: ${ratio.toFixed(3)} (target <= ${TARGET_RATIO})`);
console.log(`goldsmith peak RSS: ${peak.toFixed(0)} MiB (target < ${TARGET_RSS_MIB} MiB)`);
const missed = [ratio > TARGET_RATIO && 'ratio', peak >= TARGET_RSS_MIB && 'peak RSS'].filter(Boolean);
if (missed.length > 0) {
  console.log(`MISSED: ${missed.join(', ')}`);
  process.exit(1);
}
console.log('targets met');
