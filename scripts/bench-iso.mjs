// npm run bench:iso: `goldsmith iso stage` of a 1 GiB ISO from a mirror on
// 127.0.0.1 to vcsim's datastore, against the same work done one step after
// another by hand: `curl -o`, then `sha256sum`, then `govc datastore.upload`,
// alternating, in the same run. goldsmith hashes while it downloads, so its
// median should be at most 0.8 of the baseline's; its own peak RSS (VmHWM of
// the goldsmith process, govc not counted) under 100 MiB. Prints both
// medians, the ratio and the peak RSS; exits 1 when a target is missed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { median, timed } from './lib/bench-measure.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MIB = 1024 * 1024;
const SIZE_MIB = Number(process.env.BENCH_ISO_MIB ?? 1024);
const TARGET_RATIO = 0.8;
const TARGET_RSS_MIB = 100;
const repo = fileURLToPath(new URL('..', import.meta.url));
const cache = join(repo, '.bench', 'iso-cache');
const work = join(repo, '.bench', 'iso');
const ISO = `bench-${SIZE_MIB}mib.iso`;
const govcBin = join(repo, '.infra', 'bin', 'govc');
const { startVcsim } = await import(join(repo, 'dist', 'pipeline', 'stores', 'vsphere', 'start-vcsim.js'));

/** The ISO: random bytes (honest for hashing), made once and cached with its SHA-256. */
async function cachedIso() {
  mkdirSync(cache, { recursive: true });
  const path = join(cache, ISO);
  const sums = join(cache, 'SHA256SUMS');
  if (existsSync(path) && existsSync(sums) && statSync(path).size === SIZE_MIB * MIB && readFileSync(sums, 'utf8').includes(ISO)) return { path, sums };
  console.log(`bench:iso: writing ${SIZE_MIB} MiB of random bytes to ${path} (once; cached)`);
  const hash = createHash('sha256');
  let left = SIZE_MIB;
  const source = Readable.from((function* () {
    while (left-- > 0) {
      const chunk = randomBytes(MIB);
      hash.update(chunk);
      yield chunk;
    }
  })());
  await pipeline(source, createWriteStream(path));
  writeFileSync(sums, `${hash.digest('hex')} *${ISO}\n`);
  return { path, sums };
}

/** A static mirror on 127.0.0.1 (its own process's CPU is shared by both contenders alike). */
async function startMirror(iso) {
  const server = createServer((req, res) => {
    const file = req.url === `/24.04/${ISO}` ? iso.path : req.url === '/24.04/SHA256SUMS' ? iso.sums : undefined;
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String(statSync(file).size), 'content-type': 'application/octet-stream' });
    createReadStream(file, { highWaterMark: MIB }).pipe(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

const iso = await cachedIso();
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'packer'), { recursive: true });
const mirror = await startMirror(iso);
const sim = await startVcsim(govcBin.replace(/govc$/, 'vcsim'));
const govcEnv = { GOVC_URL: `https://${sim.server}/sdk`, GOVC_USERNAME: 'bench-user', GOVC_PASSWORD: `pw-${randomBytes(8).toString('hex')}`, GOVC_INSECURE: '1', GOVMOMI_HOME: join(work, 'govmomi') };
const env = { PATH: process.env.PATH, HOME: process.env.HOME ?? work, ...govcEnv };
try {
  writeFileSync(join(work, 'packer', 'matrix.json'), JSON.stringify([{
    key: 'bench-iso', enabled: true, os: 'linux', dist: 'ubuntu', version: '24.04', platform: 'vsphere', build_dir: 'vsphere/bench', config: 'config/bench.pkrvars.hcl', base_name: 'bench',
    iso_datastore_path: '[LocalDS_0] iso/goldsmith', iso_file: ISO, iso_url: `${mirror.url}/24.04/${ISO}`, sums_url: `${mirror.url}/24.04/SHA256SUMS`,
  }], null, 2));
  execFileSync('node', [join(repo, 'bin', 'goldsmith.js'), 'keygen', '--out', join(work, 'key')], { stdio: 'ignore' });
  writeFileSync(join(work, 'goldsmith.yaml'), 'records: records\nstate_dir: state\nsigning:\n  key: key/signing.key\nvsphere:\n  datacenter: DC0\n');
  execFileSync(govcBin, ['datastore.mkdir', '-p', '-ds', 'LocalDS_0', 'iso/baseline'], { env });

  const baseline = [];
  const goldsmith = [];
  const rss = [];
  console.log(`bench:iso: ${SIZE_MIB} MiB ISO, ${RUNS} runs each, alternating; mirror ${mirror.url}, vcsim ${sim.server}`);
  for (let run = 1; run <= RUNS; run++) {
    const local = join(work, 'curl.iso');
    // Untimed: neither side pays for the other's gigabyte still being written back (the uploads land in vcsim's datastore on disk).
    execFileSync('sync');
    const curl = await timed('curl', ['-sS', '-o', local, `${mirror.url}/24.04/${ISO}`], { stdio: 'ignore' });
    const sum = await timed('sha256sum', [local], { stdio: 'ignore' });
    const upload = await timed(govcBin, ['datastore.upload', '-ds', 'LocalDS_0', local, `iso/baseline/${ISO}`], { stdio: 'ignore', env });
    rmSync(local);
    baseline.push(curl.seconds + sum.seconds + upload.seconds);

    // A fresh records folder each run, so the ISO is never "already staged": every run downloads and uploads.
    const records = join(work, `records-${run}`);
    execFileSync('sync');
    const staged = await timed('node', [join(repo, 'bin', 'goldsmith.js'), '--config', join(work, 'goldsmith.yaml'), 'iso', 'stage', 'bench-iso'], { cwd: work, stdio: ['ignore', process.env.BENCH_VERBOSE ? 'inherit' : 'ignore', 'inherit'], env: { ...env, GOLDSMITH_RECORDS: records } });
    goldsmith.push(staged.seconds);
    rss.push(staged.peakMiB);
    // Untimed: the next run uploads to paths the datastore does not hold, as staging a new ISO does (vcsim
    // overwriting a 1 GiB file it just wrote costs either side a varying extra second).
    for (const path of [`iso/baseline/${ISO}`, `iso/goldsmith/${ISO}`]) execFileSync(govcBin, ['datastore.rm', '-f', '-ds', 'LocalDS_0', path], { env, stdio: 'ignore' });
    console.log(`  run ${run}: curl ${curl.seconds.toFixed(2)} s + sha256sum ${sum.seconds.toFixed(2)} s + govc upload ${upload.seconds.toFixed(2)} s = ${baseline.at(-1).toFixed(2)} s; goldsmith iso stage ${staged.seconds.toFixed(2)} s, peak RSS ${staged.peakMiB.toFixed(0)} MiB`);
  }
  const ratio = median(goldsmith) / median(baseline);
  const peak = Math.max(...rss);
  console.log(`median: baseline ${median(baseline).toFixed(2)} s, goldsmith ${median(goldsmith).toFixed(2)} s, ratio ${ratio.toFixed(2)} (target at most ${TARGET_RATIO}); peak RSS ${peak.toFixed(0)} MiB (target under ${TARGET_RSS_MIB} MiB)`);
  process.exitCode = ratio <= TARGET_RATIO && peak < TARGET_RSS_MIB ? 0 : 1;
} finally {
  mirror.server.close();
  await sim.stop();
}
