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
    expect(() => loadConfig({ cwd: dir, paths: NO_PATHS })).toThrow(/goldsmith\.json: slack: Unrecognized key: "bot_token"|goldsmith\.json: slack\.bot_token: secrets are read from the environment only/);
    writeFileSync(join(dir, 'goldsmith.json'), JSON.stringify({ vsphere: { password: 'x' } }));
    expect(() => loadConfig({ cwd: dir, paths: NO_PATHS })).toThrow(/vsphere/);
  });

  it('says when the named config file does not exist', () => {
    expect(() => loadConfig({ file: 'missing.yaml', cwd: '/tmp', paths: NO_PATHS })).toThrow('config file /tmp/missing.yaml does not exist');
  });
});
