import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeGitHub } from '../fakes/github-api.js';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { makeMediaEnv, type MediaEnv } from '../helpers/media-env.js';
import { bsdSums, gnuSums, sha256Of, TestMirror } from '../helpers/mirror-server.js';

const iso = (name: string) => Buffer.from(`${name} stand-in\n`);
let mirror: TestMirror;
let github: FakeGitHub;
let slack: FakeSlackApi;
let env: MediaEnv;
let ghEnv: Record<string, string>;
let deadPort: number;
const CHANNEL = 'C0ISOCHECK';
const TOKEN = 'xoxb-iso-check-test';

// Each distribution's folder as its mirror shows it: the files a pattern must pick from, and the sums format it publishes.
const UBUNTU = ['ubuntu-24.04-live-server-amd64.iso', 'ubuntu-24.04.2-live-server-amd64.iso', 'ubuntu-24.04.3-live-server-amd64.iso', 'ubuntu-24.04.3-desktop-amd64.iso', 'ubuntu-24.04.3-live-server-amd64.iso.zsync'];
const DEBIAN = ['debian-13.1.0-amd64-netinst.iso', 'debian-13.2.0-amd64-netinst.iso', 'debian-edu-13.2.0-amd64-netinst.iso'];
const ROCKY = ['Rocky-9.6-x86_64-dvd.iso', 'Rocky-9.7-x86_64-dvd.iso', 'Rocky-9-latest-x86_64-dvd.iso', 'Rocky-x86_64-dvd.iso', 'Rocky-9.10-x86_64-boot.iso'];
const ALMA = ['AlmaLinux-9.6-x86_64-dvd.iso', 'AlmaLinux-9.7-x86_64-dvd.iso', 'AlmaLinux-9-latest-x86_64-dvd.iso'];

function publish(folder: string, names: string[], sumsName: string, format: (files: Record<string, Buffer>) => string): void {
  const files = Object.fromEntries(names.map((name) => [name, iso(name)]));
  for (const [name, body] of Object.entries(files)) mirror.file(`${folder}${name}`, body);
  mirror.file(`${folder}${sumsName}`, format(files));
}

beforeAll(async () => {
  mirror = await TestMirror.start();
  mirror.folder('/ubuntu/24.04/', 'apache-fancy').folder('/debian-cd/current/amd64/iso-cd/', 'apache-debian').folder('/rocky/9/isos/x86_64/', 'nginx').folder('/almalinux/9/isos/x86_64/', 'nginx-fancy');
  publish('/ubuntu/24.04/', UBUNTU, 'SHA256SUMS', (files) => gnuSums(files, true));
  publish('/debian-cd/current/amd64/iso-cd/', DEBIAN, 'SHA256SUMS', (files) => gnuSums(files));
  publish('/rocky/9/isos/x86_64/', ROCKY, 'CHECKSUM', bsdSums);
  publish('/almalinux/9/isos/x86_64/', ALMA, 'CHECKSUM', bsdSums);
  // Bad inputs: sums without the ISO, a redirect to another host, an endless index page.
  mirror.folder('/nosums/', 'nginx').file('/nosums/fedora-41.iso', iso('f')).file('/nosums/SHA256SUMS', gnuSums({ 'fedora-40.iso': iso('x') }));
  mirror.redirect('/moved/', `${mirror.url.replace('127.0.0.1', 'localhost')}/ubuntu/24.04/`);
  mirror.endlessBody('/endless/');
  const dead = createServer();
  dead.listen(0, '127.0.0.1');
  await once(dead, 'listening');
  deadPort = (dead.address() as AddressInfo).port;
  dead.close();

  const m = mirror.url;
  const linux = (key: string, folder: string, file: string, sums: string, pattern: string) => ({ key, iso_file: file, iso_url: `${m}${folder}${file}`, sums_url: `${m}${folder}${sums}`, discover: { index_url: `${m}${folder}`, pattern }, iso_datastore_path: '[LocalDS_0] iso/linux' });
  env = makeMediaEnv(
    [
      linux('ubuntu-24.04', '/ubuntu/24.04/', 'ubuntu-24.04.2-live-server-amd64.iso', 'SHA256SUMS', '^ubuntu-24\\.04(\\.\\d+)?-live-server-amd64\\.iso$'),
      linux('debian-13', '/debian-cd/current/amd64/iso-cd/', 'debian-13.1.0-amd64-netinst.iso', 'SHA256SUMS', '^debian-13\\.\\d+\\.\\d+-amd64-netinst\\.iso$'),
      linux('rocky-9', '/rocky/9/isos/x86_64/', 'Rocky-9.6-x86_64-dvd.iso', 'CHECKSUM', '^Rocky-9\\.\\d+-x86_64-dvd\\.iso$'),
      linux('almalinux-9', '/almalinux/9/isos/x86_64/', 'AlmaLinux-9.7-x86_64-dvd.iso', 'CHECKSUM', '^AlmaLinux-9\\.\\d+-x86_64-dvd\\.iso$'),
      linux('nomatch-1', '/ubuntu/24.04/', 'x.iso', 'SHA256SUMS', '^ubuntu-26\\.04.*\\.iso$'),
      linux('nosums-1', '/nosums/', 'fedora-40.iso', 'SHA256SUMS', '^fedora-\\d+\\.iso$'),
      { ...linux('down-1', '/ubuntu/24.04/', 'x.iso', 'SHA256SUMS', '^x'), discover: { index_url: `http://127.0.0.1:${deadPort}/ubuntu/`, pattern: '^x' } },
      { ...linux('moved-1', '/ubuntu/24.04/', 'ubuntu-24.04.2-live-server-amd64.iso', 'SHA256SUMS', '^ubuntu-24\\.04(\\.\\d+)?-live-server-amd64\\.iso$'), discover: { index_url: `${m}/moved/`, pattern: '^ubuntu-24\\.04(\\.\\d+)?-live-server-amd64\\.iso$' } },
      { ...linux('endless-1', '/ubuntu/24.04/', 'x.iso', 'SHA256SUMS', '^x'), discover: { index_url: `${m}/endless/`, pattern: '^x' } },
    ],
    ['github:', '  repository: acme/images', 'slack:', `  channel: ${CHANNEL}`, 'media:', '  max_index_bytes: 262144', '  idle_timeout_seconds: 5'],
  );

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(env.dir, 'app.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), { mode: 0o600 });
  github = await FakeGitHub.start({ owner: 'acme', repo: 'images', appId: 4242, publicKey });
  github.pushCommit('main', 'alice', { 'packer/matrix.json': env.matrixText }, 'Add the matrix');
  slack = await FakeSlackApi.start({ token: TOKEN });
  ghEnv = { APP_ID: '4242', PRIVATE_KEY_PATH: keyFile, WEBHOOK_SECRET: 'whsec-iso', GITHUB_API_URL: github.url, SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: slack.apiUrl };
}, 30_000);

afterAll(async () => {
  await mirror?.close();
  await github?.close();
  await slack?.close();
});

describe('goldsmith iso check', () => {
  test('--dry-run reads the four mirror index styles and both sums formats, and reports each line; nothing is proposed', async () => {
    const result = await env.cli(['iso', 'check', '--dry-run']);
    expect(result.exitCode).toBe(1); // the bad-input lines of the matrix fail; the good ones are reported
    expect(result.stdout).toContain(`ubuntu-24.04: newer release ubuntu-24.04.3-live-server-amd64.iso (was ubuntu-24.04.2-live-server-amd64.iso), SHA-256 ${sha256Of(iso('ubuntu-24.04.3-live-server-amd64.iso'))}: no pull request (dry run)`);
    expect(result.stdout).toContain(`debian-13: newer release debian-13.2.0-amd64-netinst.iso (was debian-13.1.0-amd64-netinst.iso), SHA-256 ${sha256Of(iso('debian-13.2.0-amd64-netinst.iso'))}`);
    expect(result.stdout).toContain(`rocky-9: newer release Rocky-9.7-x86_64-dvd.iso (was Rocky-9.6-x86_64-dvd.iso), SHA-256 ${sha256Of(iso('Rocky-9.7-x86_64-dvd.iso'))}`);
    expect(result.stdout).toContain('almalinux-9: AlmaLinux-9.7-x86_64-dvd.iso is the newest release (no newer one)');
    expect(github.calls).toHaveLength(0);
    expect(slack.callsOf('chat.postMessage')).toHaveLength(0);
  });

  test('a newer release becomes one pull request bumping the matrix entry, with the checksum and both names, and a Slack notice', async () => {
    const first = await env.cli(['iso', 'check', 'ubuntu-24.04'], ghEnv);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/ubuntu-24\.04: newer release ubuntu-24\.04\.3-live-server-amd64\.iso .*: pull request #\d+ opened https:\/\/github\.invalid\/acme\/images\/pull\/\d+/);
    const open = [...github.pulls.values()].filter((pr) => pr.head === 'iso-update/ubuntu-24.04');
    expect(open).toHaveLength(1);
    const pr = open[0]!;
    const sha = sha256Of(iso('ubuntu-24.04.3-live-server-amd64.iso'));
    expect(pr.title).toBe('ISO update for ubuntu-24.04: ubuntu-24.04.3-live-server-amd64.iso');
    expect(pr.body).toContain(sha);
    expect(pr.body).toContain('**ubuntu-24.04.3-live-server-amd64.iso** replaces **ubuntu-24.04.2-live-server-amd64.iso**');
    const matrix = JSON.parse(github.files('iso-update/ubuntu-24.04').get('packer/matrix.json')!.content.toString()) as Array<Record<string, unknown>>;
    expect(matrix.find((entry) => entry.key === 'ubuntu-24.04')).toMatchObject({
      iso_file: 'ubuntu-24.04.3-live-server-amd64.iso',
      iso_url: `${mirror.url}/ubuntu/24.04/ubuntu-24.04.3-live-server-amd64.iso`,
      sums_url: `${mirror.url}/ubuntu/24.04/SHA256SUMS`,
    });
    // Only the line's entry changed; main is untouched.
    expect(matrix.find((entry) => entry.key === 'debian-13')).toMatchObject({ iso_file: 'debian-13.1.0-amd64-netinst.iso' });
    expect(github.files('main').get('packer/matrix.json')!.content.toString()).toBe(env.matrixText);
    const [notice] = slack.messagesIn(CHANNEL);
    expect(notice!.text).toContain('ubuntu-24.04: newer release ubuntu-24.04.3-live-server-amd64.iso');
    expect(notice!.text).toContain(`pull request #${pr.number} opened`);

    // Proposed once: the same release again updates the open pull request.
    const second = await env.cli(['iso', 'check', 'ubuntu-24.04'], ghEnv);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toContain(`pull request #${pr.number} updated`);
    expect([...github.pulls.values()].filter((candidate) => candidate.head === 'iso-update/ubuntu-24.04')).toHaveLength(1);
    expect(github.callsMatching('POST', /\/pulls$/)).toHaveLength(1);
  });

  test('no newer release: no pull request, no notice', async () => {
    const pulls = github.pulls.size;
    const notices = slack.callsOf('chat.postMessage').length;
    const result = await env.cli(['iso', 'check', 'almalinux-9'], ghEnv);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('almalinux-9: AlmaLinux-9.7-x86_64-dvd.iso is the newest release (no newer one)');
    expect(github.pulls.size).toBe(pulls);
    expect(slack.callsOf('chat.postMessage')).toHaveLength(notices);
  });

  test.each([
    ['down-1', /the mirror 127\.0\.0\.1:\d+ cannot be reached for .* \(ECONNREFUSED\): check the URL in packer\/matrix\.json, or try again when the mirror is back/],
    ['nomatch-1', /no file listed at .*\/ubuntu\/24\.04\/ matches \^ubuntu-26\\\.04\.\*\\\.iso\$ \(\d+ files listed\): check discover\.index_url and discover\.pattern/],
    ['nosums-1', /\/nosums\/SHA256SUMS lists no SHA-256 for fedora-41\.iso: the mirror may still be syncing/],
    ['moved-1', /refusing the redirect from .*\/moved\/ to another host, localhost:\d+: allow it under media\.allowed_redirect_hosts in goldsmith\.yaml/],
    ['endless-1', /\/endless\/ is larger than 262144 bytes \(media\.max_index_bytes\)/],
  ])('%s: a clear error, exit 1, no pull request', async (line, message) => {
    const calls = github.calls.length;
    const result = await env.cli(['iso', 'check', line], ghEnv);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(github.calls.slice(calls).filter((call) => call.method !== 'GET' && !/access_tokens/.test(call.path))).toEqual([]);
    expect(github.files('main').get('packer/matrix.json')!.content.toString()).toBe(env.matrixText);
  });

  test('a redirect to a host listed in media.allowed_redirect_hosts is followed', async () => {
    const allowed = makeMediaEnv(
      [{ key: 'moved-1', iso_file: 'ubuntu-24.04.3-live-server-amd64.iso', sums_url: `${mirror.url}/ubuntu/24.04/SHA256SUMS`, discover: { index_url: `${mirror.url}/moved/`, pattern: '^ubuntu-24\\.04(\\.\\d+)?-live-server-amd64\\.iso$' } }],
      ['media:', '  allowed_redirect_hosts:', `    - ${mirror.url.replace('http://127.0.0.1', 'localhost')}`],
    );
    const result = await allowed.cli(['iso', 'check', '--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('moved-1: ubuntu-24.04.3-live-server-amd64.iso is the newest release (no newer one)');
  });

  test('without the GitHub App and without --dry-run: a usage error naming what to set', async () => {
    const result = await env.cli(['iso', 'check']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('set APP_ID, PRIVATE_KEY_PATH and WEBHOOK_SECRET');
    expect(result.stderr).toContain('--dry-run');
  });
});
