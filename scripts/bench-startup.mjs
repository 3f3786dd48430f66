// Benchmark: what one goldsmith command costs before it does its work. Every command is a
// process (the CLI, each kill point of the crash tests, the worker behind `build`), so Node's
// start-up and module loading are paid again and again.
//
//   npm run bench:startup        (builds dist/ and the bundle, then runs this script)
//
// Baseline, measured in the same run: the same commands run from tsc's output (dist/cli.js:
// one ES module per source file, zod and execa from node_modules, ~380 files for `audit`)
// instead of the bundle (bin/goldsmith.js -> dist/bundle/cli.js). BENCH_RUNS (15) runs of
// each, alternating; medians of wall time and of CPU time (user + sys, by GNU time). Prints
// the ratios bundle / baseline; exits 1 when the bundle's CPU median is not at most 0.9 of
// the baseline's for every command, the point of bundling.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/bench-measure.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGET = 0.9;
const work = mkdtempSync(join(tmpdir(), 'bench-startup-'));
const records = join(work, 'records');
// --version loads the CLI alone; matrix and audit also load a command, its schemas and execa.
const COMMANDS = [['--version'], ['matrix'], ['audit', records]];
const ENTRIES = { baseline: join(REPO, 'dist', 'cli.js'), bundle: join(REPO, 'bin', 'goldsmith.js') };

/** One run of `node <entry> ...args` under GNU time: wall and CPU (user + sys) seconds. */
function measure(entry, args) {
  const report = join(work, 'time.txt');
  execFileSync('/usr/bin/time', ['-o', report, '-f', '%e %U %S', process.execPath, entry, ...args], { cwd: REPO, stdio: 'ignore' });
  const [wall, user, sys] = readFileSync(report, 'utf8').trim().split(/\s+/).map(Number);
  return { wall, cpu: user + sys };
}

try {
  execFileSync('mkdir', ['-p', records]);
  console.log(`goldsmith start-up: ${RUNS} runs of each command from each entry, alternating; medians\n`);
  console.log('command      baseline wall   cpu    bundle wall   cpu    ratio wall   cpu');
  let missed = false;
  for (const args of COMMANDS) {
    const samples = { baseline: [], bundle: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const kind of run % 2 ? ['bundle', 'baseline'] : ['baseline', 'bundle']) samples[kind].push(measure(ENTRIES[kind], args));
    }
    const m = (kind, key) => median(samples[kind].map((sample) => sample[key]));
    const [wallRatio, cpuRatio] = [m('bundle', 'wall') / m('baseline', 'wall'), m('bundle', 'cpu') / m('baseline', 'cpu')];
    missed ||= cpuRatio > TARGET;
    console.log(`${args[0].padEnd(12)} ${m('baseline', 'wall').toFixed(2).padStart(9)} s ${m('baseline', 'cpu').toFixed(2).padStart(5)} s ${m('bundle', 'wall').toFixed(2).padStart(9)} s ${m('bundle', 'cpu').toFixed(2).padStart(5)} s ${wallRatio.toFixed(2).padStart(9)} ${cpuRatio.toFixed(2).padStart(6)}`);
  }
  console.log(`\ntarget: bundle CPU at most ${TARGET} of the baseline's for every command: ${missed ? 'MISSED' : 'met'}`);
  process.exitCode = missed ? 1 : 0;
} finally {
  rmSync(work, { recursive: true, force: true });
}
