import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/write-chain.js';

const UNIT = fileURLToPath(new URL('../../contrib/goldsmith.service', import.meta.url));
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

/** The unit's `Key=value` settings, every value of a key that appears more than once. */
function settingsOf(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!]);
  }
  return settings;
}

const one = (settings: Map<string, string[]>, key: string) => {
  const values = settings.get(key) ?? [];
  expect(values, key).toHaveLength(1);
  return values[0]!;
};

/**
 * A copy of the unit whose ExecStart runs this machine's node and this
 * checkout's bin/goldsmith.js: `systemd-analyze verify` fails a unit whose
 * ExecStart binary does not exist, and the shipped unit names the paths of
 * an install (/usr/bin/node, /opt/goldsmith). Only that line changes.
 */
function unitForThisMachine(edit: (text: string) => string = (text) => text): string {
  const text = readFileSync(UNIT, 'utf8');
  const execStart = /^ExecStart=\/usr\/bin\/node \/opt\/goldsmith\/bin\/goldsmith\.js (.*)$/m.exec(text);
  if (!execStart) throw new Error('contrib/goldsmith.service: ExecStart is no longer "/usr/bin/node /opt/goldsmith/bin/goldsmith.js …"');
  const file = join(makeTempDir('goldsmith-unit-'), 'goldsmith.service');
  writeFileSync(file, edit(text.replace(execStart[0], `ExecStart=${process.execPath} ${CLI} ${execStart[1]}`)));
  return file;
}

async function verify(file: string) {
  const result = await execa(SYSTEMD_ANALYZE, ['verify', file], { reject: false, all: true });
  // verify also reports on units it pulls in (network-online.target …) and on the host: only lines about this unit count.
  const aboutUnit = String(result.all)
    .split('\n')
    .filter((line) => line.includes('goldsmith.service') || line.includes(file));
  return { exitCode: result.exitCode, aboutUnit, all: String(result.all) };
}

describe('contrib/goldsmith.service', () => {
  it('passes systemd-analyze verify with no warning about the unit', async () => {
    expect(existsSync(SYSTEMD_ANALYZE), `${SYSTEMD_ANALYZE} is needed (Debian: apt-get install systemd)`).toBe(true);
    const result = await verify(unitForThisMachine());
    expect(result.aboutUnit, result.all).toEqual([]);
    expect(result.exitCode).toBe(0);

    // The check sees what it should: a misspelt key is reported, naming the unit.
    const typo = await verify(unitForThisMachine((text) => text.replace('TimeoutStopSec=', 'TimeoutStopSecs=')));
    expect(typo.aboutUnit.join('\n')).toContain("Unknown key 'TimeoutStopSecs' in section [Service], ignoring.");
  });

  it('gives serve longer to stop than the drain it passes, and sends SIGTERM to serve alone', async () => {
    const settings = settingsOf(readFileSync(UNIT, 'utf8'));
    const drain = Number(/ --drain-seconds (\d+)(?: |$)/.exec(one(settings, 'ExecStart'))?.[1]);
    expect(drain).toBeGreaterThan(0);
    // systemd's own reading of the value, whatever its syntax (360, 6min, 5min 30s).
    const timespan = await execa(SYSTEMD_ANALYZE, ['timespan', one(settings, 'TimeoutStopSec')]);
    const timeoutSeconds = Number(/μs: (\d+)/.exec(timespan.stdout)?.[1]) / 1e6;
    // serve --help: "it exits 0 within --drain-seconds + 10 s".
    expect(timeoutSeconds).toBeGreaterThan(drain + 10);
    expect(one(settings, 'KillSignal')).toBe('SIGTERM');
    // The default KillMode would SIGTERM Packer and QEMU along with serve, cutting the drain short.
    expect(one(settings, 'KillMode')).toBe('mixed');

    // The arguments it passes are ones serve takes.
    const args = one(settings, 'ExecStart').split(' ').slice(2);
    const help = await runCli([...args, '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--drain-seconds <n>');
  });

  it('runs as a dedicated user with its secrets from a file, restarts on failure, and is hardened without blocking Packer or QEMU', () => {
    const settings = settingsOf(readFileSync(UNIT, 'utf8'));
    expect(one(settings, 'User')).toBe('goldsmith');
    expect(one(settings, 'EnvironmentFile')).toBe('/etc/goldsmith/goldsmith.env');
    expect(one(settings, 'WorkingDirectory')).toBe('/srv/goldsmith');
    expect(one(settings, 'Restart')).toBe('on-failure');
    expect(one(settings, 'NoNewPrivileges')).toBe('yes');
    expect(one(settings, 'ProtectSystem')).toBe('strict');
    expect(one(settings, 'ProtectHome')).toBe('yes');
    expect(one(settings, 'PrivateTmp')).toBe('yes');
    expect(one(settings, 'ReadWritePaths').split(' ')).toEqual(expect.arrayContaining(['/srv/goldsmith/.goldsmith', '/srv/goldsmith/records', '/srv/goldsmith/packer']));
    // QEMU's TCG writes code it then runs; /dev/kvm must stay reachable (ProtectClock's DeviceAllow would close it).
    for (const blocking of ['MemoryDenyWriteExecute', 'PrivateDevices', 'ProtectClock', 'DeviceAllow', 'DevicePolicy', 'SystemCallFilter']) {
      expect(settings.has(blocking), blocking).toBe(false);
    }
  });
});
