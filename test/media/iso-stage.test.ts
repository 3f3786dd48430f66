import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeMediaEnv, type MediaEnv } from '../helpers/media-env.js';
import { gnuSums, sha256Of, TestMirror } from '../helpers/mirror-server.js';
import { execa } from 'execa';
import { startVcsim, type Vcsim } from '../../src/pipeline/stores/vsphere/start-vcsim.js';
import { GOVC, VCSIM } from '../helpers/vcsim.js';

const MIB = 1024 * 1024;
const UBUNTU_ISO = 'ubuntu-24.04.3-live-server-amd64.iso';
let mirror: TestMirror;
let vcsim: Vcsim;
/** The simulator as the CLI and this test's own govc see it. */
let sim: { server: string; env: Record<string, string>; govc(args: string[]): Promise<{ stdout: string; exitCode: number }> };
let env: MediaEnv;
let ubuntu: Buffer;

/** Size of a datastore file as govc lists it (independently of goldsmith), or undefined. */
async function datastoreSize(path: string): Promise<number | undefined> {
  const listed = await sim.govc(['datastore.ls', '-l', '-json', '-ds', 'LocalDS_0', path]);
  if (listed.exitCode !== 0) return undefined;
  const [result] = JSON.parse(listed.stdout) as Array<{ File: Array<{ Path: string; FileSize: number }> | null }>;
  return result?.File?.find((file) => path.endsWith(file.Path))?.FileSize;
}

/** Names of the files in a datastore folder (none when it is missing). */
async function datastoreFiles(folder: string): Promise<string[]> {
  const listed = await sim.govc(['datastore.ls', '-json', '-ds', 'LocalDS_0', folder]);
  if (listed.exitCode !== 0) return [];
  return (JSON.parse(listed.stdout) as Array<{ File: Array<{ Path: string }> | null }>).flatMap((result) => result.File ?? []).map((file) => file.Path);
}

function mediaRuns(line: string): Array<Record<string, any>> {
  const folder = join(env.records, 'media', line);
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((name) => /^\d{8}T\d{6}Z$/.test(name)).sort().map((ts) => JSON.parse(readFileSync(join(folder, ts, 'run.json'), 'utf8')));
}

beforeAll(async () => {
  mirror = await TestMirror.start();
  vcsim = await startVcsim(VCSIM);
  const simEnv = { GOVC_URL: `https://${vcsim.server}/sdk`, GOVC_USERNAME: 'tester', GOVC_PASSWORD: 'iso-stage-password', GOVC_INSECURE: '1' };
  sim = {
    server: vcsim.server,
    env: simEnv,
    govc: async (args) => {
      const result = await execa(GOVC, args, { reject: false, env: { ...simEnv, GOVMOMI_HOME: join(env.dir, 'test-govmomi') }, extendEnv: false });
      return { stdout: String(result.stdout), exitCode: result.exitCode ?? -1 };
    },
  };
  ubuntu = mirror.randomIso(3);
  const corrupt = mirror.randomIso(2);
  mirror.folder('/ubuntu/24.04/', 'apache-fancy').file(`/ubuntu/24.04/${UBUNTU_ISO}`, ubuntu).file('/ubuntu/24.04/SHA256SUMS', gnuSums({ [UBUNTU_ISO]: ubuntu }, true));
  // The sums file publishes another digest than the file served: a corrupted mirror.
  mirror.file('/debian/debian-13.2.0-amd64-netinst.iso', corrupt).file('/debian/SHA256SUMS', gnuSums({ 'debian-13.2.0-amd64-netinst.iso': mirror.randomIso(1) }));
  mirror.endlessBody('/endless/endless.iso').file('/endless/SHA256SUMS', gnuSums({ 'endless.iso': Buffer.from('x') }));
  mirror.file('/nosums/rocky.iso', corrupt).file('/nosums/CHECKSUM', 'SHA256 (other.iso) = ' + sha256Of(corrupt) + '\n');
  const m = mirror.url;
  const line = (key: string, folder: string, file: string, sums: string) => ({ key, iso_file: file, iso_url: `${m}${folder}${file}`, sums_url: `${m}${folder}${sums}`, iso_datastore_path: `[LocalDS_0] iso/linux/${key}` });
  env = makeMediaEnv(
    [
      line('ubuntu-24.04', '/ubuntu/24.04/', UBUNTU_ISO, 'SHA256SUMS'),
      line('ubuntu-fresh', '/ubuntu/24.04/', UBUNTU_ISO, 'SHA256SUMS'),
      { ...line('ubuntu-shared', '/ubuntu/24.04/', UBUNTU_ISO, 'SHA256SUMS'), iso_datastore_path: '[LocalDS_0] iso/shared' },
      line('debian-13', '/debian/', 'debian-13.2.0-amd64-netinst.iso', 'SHA256SUMS'),
      line('endless-1', '/endless/', 'endless.iso', 'SHA256SUMS'),
      line('rocky-9', '/nosums/', 'rocky.iso', 'CHECKSUM'),
    ],
    ['media:', `  max_iso_bytes: ${8 * MIB}`, '  idle_timeout_seconds: 5'],
  );
}, 30_000);

afterAll(async () => {
  await mirror?.close();
  await vcsim?.stop();
});

describe('goldsmith iso stage, from a real mirror to vcsim', () => {
  test('an interrupted download is kept; the next run resumes it with a Range request, checks it, uploads it and seals a media record', async () => {
    const iso = `/ubuntu/24.04/${UBUNTU_ISO}`;
    mirror.cutAfter(iso, MIB);
    const cut = await env.cli(['iso', 'stage', 'ubuntu-24.04'], sim.env);
    expect(cut.exitCode).toBe(1);
    expect(cut.stderr).toContain(`goldsmith: ubuntu-24.04: the download of ${UBUNTU_ISO} from ${mirror.url}${iso} was interrupted after ${MIB} of ${3 * MIB} bytes`);
    expect(cut.stderr).toContain('run the same command again to resume it');
    expect(readFileSync(join(env.stateDir, 'media', `${UBUNTU_ISO}.partial`)).length).toBe(MIB);
    expect(await datastoreFiles('iso/linux/ubuntu-24.04')).toEqual([]);
    expect(mediaRuns('ubuntu-24.04')).toEqual([]);

    const resumed = await env.cli(['iso', 'stage', 'ubuntu-24.04', '--requested-by', 'alice'], sim.env);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(mirror.requestsOf(iso).map((request) => request.range)).toEqual([undefined, `bytes=${MIB}-`]);
    expect(resumed.stdout).toContain(`(resumed from byte ${MIB}): ${3 * MIB} bytes, SHA-256 ${sha256Of(ubuntu)} as published`);
    expect(resumed.stdout).toMatch(/ubuntu-24\.04: staged \[LocalDS_0\] iso\/linux\/ubuntu-24\.04\/ubuntu-24\.04\.3-live-server-amd64\.iso; sealed media\/ubuntu-24\.04\/\d{8}T\d{6}Z/);
    expect(await datastoreSize(`iso/linux/ubuntu-24.04/${UBUNTU_ISO}`)).toBe(3 * MIB);
    expect(readdirSync(join(env.stateDir, 'media')), 'the local copy is deleted after the upload').toEqual([]);
    const [run] = mediaRuns('ubuntu-24.04');
    expect(run).toMatchObject({
      kind: 'media',
      line: 'ubuntu-24.04',
      requested_by: { source: 'cli', user: 'alice' },
      iso: { url: `${mirror.url}${iso}`, sums_url: `${mirror.url}/ubuntu/24.04/SHA256SUMS`, file: UBUNTU_ISO, sha256: sha256Of(ubuntu), size: 3 * MIB },
      datastore_path: `[LocalDS_0] iso/linux/ubuntu-24.04/${UBUNTU_ISO}`,
      uploaded: true,
      target: { platform: 'vsphere', vcenter: sim.server, datacenter: 'DC0', datastore: 'LocalDS_0' },
    });
    const audit = await env.audit();
    expect(audit.exitCode, audit.stdout).toBe(0);
    expect(audit.stdout).toContain('1 media record');
  });

  test('staging again is skipped: the datastore holds the file with the size recorded for this SHA-256; the record says uploaded: false', async () => {
    const gets = mirror.requestsOf(`/ubuntu/24.04/${UBUNTU_ISO}`).length;
    const again = await env.cli(['iso', 'stage', 'ubuntu-24.04'], sim.env);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain(`is already staged (${3 * MIB} bytes, SHA-256 ${sha256Of(ubuntu)}`);
    expect(again.stdout).toContain('ubuntu-24.04: already staged [LocalDS_0]');
    expect(mirror.requestsOf(`/ubuntu/24.04/${UBUNTU_ISO}`)).toHaveLength(gets);
    expect(mediaRuns('ubuntu-24.04').map((run) => run.uploaded)).toEqual([true, false]);
  });

  test('a download from the start is checked, uploaded, and its local copy deleted', async () => {
    const result = await env.cli(['iso', 'stage', 'ubuntu-fresh'], sim.env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`ubuntu-fresh: uploading to [LocalDS_0] iso/linux/ubuntu-fresh/${UBUNTU_ISO}`);
    expect(readdirSync(join(env.stateDir, 'media'))).toEqual([]);
    expect(await datastoreFiles('iso/linux/ubuntu-fresh')).toEqual([UBUNTU_ISO]);
    expect(await datastoreSize(`iso/linux/ubuntu-fresh/${UBUNTU_ISO}`)).toBe(3 * MIB);
    expect(mediaRuns('ubuntu-fresh').map((run) => [run.uploaded, run.iso.sha256])).toEqual([[true, sha256Of(ubuntu)]]);
  });

  test('into a folder that already exists (found while downloading, no mkdir): uploaded beside what it holds', async () => {
    const readme = join(env.dir, 'README.txt');
    writeFileSync(readme, 'shared ISO folder\n');
    expect((await sim.govc(['datastore.mkdir', '-p', '-ds', 'LocalDS_0', 'iso/shared'])).exitCode).toBe(0);
    expect((await sim.govc(['datastore.upload', '-ds', 'LocalDS_0', readme, 'iso/shared/README.txt'])).exitCode).toBe(0);
    const result = await env.cli(['iso', 'stage', 'ubuntu-shared'], sim.env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`ubuntu-shared: staged [LocalDS_0] iso/shared/${UBUNTU_ISO}`);
    expect((await datastoreFiles('iso/shared')).sort()).toEqual(['README.txt', UBUNTU_ISO]);
    expect(await datastoreSize(`iso/shared/${UBUNTU_ISO}`)).toBe(3 * MIB);
    expect(mediaRuns('ubuntu-shared').map((run) => [run.uploaded, run.datastore_path])).toEqual([[true, `[LocalDS_0] iso/shared/${UBUNTU_ISO}`]]);
  });

  test('the next build record of the line names the newest media record', async () => {
    const log = join(env.dir, 'packer.log');
    writeFileSync(log, ['1700000000,,version,1.6.6', '1700000001,vsphere-iso.ubuntu,artifact-count,1', '1700000001,vsphere-iso.ubuntu,artifact,0,id,linux-ubuntu-24.04-build', ''].join('\n'));
    const sealed = await env.cli(['seal', '--line', 'ubuntu-24.04', '--log', log], sim.env);
    expect(sealed.exitCode, sealed.stderr).toBe(0);
    const builds = join(env.records, 'builds', 'ubuntu-24.04');
    const [ts] = readdirSync(builds).filter((name) => name !== 'latest');
    const build = JSON.parse(readFileSync(join(builds, ts!, 'run.json'), 'utf8'));
    const mediaFolder = join(env.records, 'media', 'ubuntu-24.04');
    const newest = readdirSync(mediaFolder).sort().at(-1)!;
    expect(build.media).toEqual({ record: `media/ubuntu-24.04/${newest}`, sums_sha256: sha256Of(readFileSync(join(mediaFolder, newest, 'SHA256SUMS'))) });
    expect(build.install_media.iso_checksum).toBe(`sha256:${sha256Of(ubuntu)}`);
    expect((await env.audit()).exitCode).toBe(0);
  });

  test.each([
    ['debian-13', /debian-13\.2\.0-amd64-netinst\.iso from .* has SHA-256 [0-9a-f]{64}, but the sums file publishes [0-9a-f]{64}: the download was deleted/],
    ['endless-1', /endless\.iso is larger than 8388608 bytes \(media\.max_iso_bytes\): refused, the partial download was deleted/],
    ['rocky-9', /\/nosums\/CHECKSUM lists no SHA-256 for rocky\.iso/],
  ])('%s: a clear error, exit 1, no partial file, nothing on the datastore, no record', async (line, message) => {
    const head = readFileSync(join(env.records, 'HEAD'), 'utf8');
    const result = await env.cli(['iso', 'stage', line], sim.env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(join(env.stateDir, 'media'))).toEqual([]);
    expect(await datastoreFiles(`iso/linux/${line}`)).toEqual([]);
    expect(mediaRuns(line)).toEqual([]);
    expect(readFileSync(join(env.records, 'HEAD'), 'utf8')).toBe(head);
  });

  test('a line with no datastore path is refused before anything is downloaded', async () => {
    const other = makeMediaEnv([{ key: 'ubuntu-24.04', iso_file: UBUNTU_ISO, iso_url: `${mirror.url}/ubuntu/24.04/${UBUNTU_ISO}`, sums_url: `${mirror.url}/ubuntu/24.04/SHA256SUMS` }]);
    const requests = mirror.requests.length;
    const result = await other.cli(['iso', 'stage', 'ubuntu-24.04'], sim.env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('line ubuntu-24.04 has no datastore to stage to: set "platform": "vsphere" and "iso_datastore_path" in packer/matrix.json');
    expect(mirror.requests.length).toBe(requests);
  });
});
