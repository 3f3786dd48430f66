import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { makeTempDir } from '../helpers/write-chain.js';


const NO_PATHS = { config: undefined, records: undefined, signingKey: undefined };
describe('loadConfig', () => {
  it('runs on defaults without a file, resolving paths against the working directory', () => {
    const dir = makeTempDir();
    const config = loadConfig({ cwd: dir, paths: NO_PATHS });
    expect(config.file).toBeUndefined();
    expect(config.records).toBe(join(dir, 'records'));
    expect(config.max_parallel).toBe(2);
    expect(config.schedule).toEqual({ enabled: true, day: 'saturday', time: '02:00', lines: 'all' });
  });

  it('reads goldsmith.yaml, resolving paths against its folder, with environment overrides', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'goldsmith.yaml'), 'records: evidence\nsigning:\n  key: keys/signing.key\nmax_parallel: 3\n');
    const config = loadConfig({ cwd: '/', paths: { ...NO_PATHS, config: join(dir, 'goldsmith.yaml') } });
    expect(config.records).toBe(join(dir, 'evidence'));
    expect(config.signing.key).toBe(join(dir, 'keys/signing.key'));
    expect(loadConfig({ cwd: dir, paths: { ...NO_PATHS, signingKey: '/run/key' } }).signing.key).toBe('/run/key');
  });

  it('names the file, the field and the fix for a bad value', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'goldsmith.yaml'), 'max_parallel: 0\nschedule:\n  time: "2am"\n');
    expect(() => loadConfig({ cwd: dir, paths: NO_PATHS })).toThrow(/goldsmith\.yaml: max_parallel: .*\n.*goldsmith\.yaml: schedule\.time: use HH:MM, 24-hour, UTC/);
  });

  it('refuses secrets in the file and unknown keys', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'goldsmith.json'), JSON.stringify({ slack: { bot_token: 'xoxb-1' } }));
    expect(() => loadConfig({ cwd: dir, paths: NO_PATHS })).toThrow('goldsmith.json: slack: "bot_token" looks like a secret, and secrets come from the environment only: remove it and set SLACK_BOT_TOKEN');
    writeFileSync(join(dir, 'goldsmith.json'), JSON.stringify({ vsphere: { password: 'x' } }));
    expect(() => loadConfig({ cwd: dir, paths: NO_PATHS })).toThrow(/vsphere/);
  });

  it('says "did you mean" for a misspelt key, and lists the choices for a wrong one', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'goldsmith.yaml'), 'max_paralel: 3\nschedule:\n  day: caturday\nqemu:\n  imagedir: images\n');
    let message = '';
    try {
      loadConfig({ cwd: dir, paths: NO_PATHS });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n').map((line) => line.replace(`${dir}/`, ''))).toEqual(
      expect.arrayContaining([
        'goldsmith.yaml: (top level): unknown key "max_paralel": did you mean "max_parallel"?',
        'goldsmith.yaml: schedule.day: use one of "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"',
        'goldsmith.yaml: qemu: unknown key "imagedir": did you mean "image_dir"?',
      ]),
    );
  });

  it('says when the named config file does not exist', () => {
    expect(() => loadConfig({ file: 'missing.yaml', cwd: '/tmp', paths: NO_PATHS })).toThrow('config file /tmp/missing.yaml does not exist');
  });
});
