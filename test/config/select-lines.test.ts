import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMatrix } from '../../src/config/load-matrix.js';
import { matrixSchema } from '../../src/config/matrix-schema.js';
import { selectLines } from '../../src/config/select-lines.js';
import { makeTempDir } from '../helpers/write-chain.js';

const linux = (key: string, enabled = true, aliases: string[] = []) => ({
  key, aliases, enabled, os: 'linux', dist: 'ubuntu', version: '24.04', build_dir: 'linux/ubuntu', config: 'linux/ubuntu/24.04.pkrvars.hcl', base_name: `tpl-${key}`,
});
const windows = { key: 'windows-server-2025', aliases: ['win2025'], enabled: false, os: 'windows', dist: 'windows-server', version: '2025', build_dir: 'windows/server', config: 'windows/server/2025.pkrvars.hcl', base_name: 'tpl-win2025', iso_file: 'win2025.iso', edition: 'datacenter-dexp', only: 'vsphere-iso.datacenter-dexp', timeout_minutes: 240 };
const matrix = matrixSchema.parse([linux('ubuntu-24.04', true, ['noble']), linux('debian-12'), linux('rocky-9', false), windows]);

describe('selectLines', () => {
  it('selects every enabled line for "all"', () => {
    expect(selectLines(matrix, 'all').map((entry) => entry.key)).toEqual(['ubuntu-24.04', 'debian-12']);
  });

  it('builds exactly a named line, by key or alias, even one shipped disabled', () => {
    expect(selectLines(matrix, 'win2025').map((entry) => entry.key)).toEqual(['windows-server-2025']);
    expect(selectLines(matrix, 'rocky-9').map((entry) => entry.key)).toEqual(['rocky-9']);
    expect(selectLines(matrix, 'noble').map((entry) => entry.key)).toEqual(['ubuntu-24.04']);
  });

  it('suggests the closest keys for an unknown name', () => {
    expect(() => selectLines(matrix, 'win2052')).toThrow('unknown line "win2052"; did you mean "win2025"?');
    expect(() => selectLines(matrix, 'fedora-40')).toThrow(/unknown line "fedora-40"\. Run "goldsmith matrix"|unknown line "fedora-40"; did you mean/);
  });
});

describe('loadMatrix', () => {
  it('names the entry by its key and the field that is wrong', () => {
    const dir = makeTempDir();
    const path = join(dir, 'matrix.json');
    writeFileSync(path, JSON.stringify([linux('ubuntu-24.04'), { ...windows, edition: undefined, timeout_minutes: -5 }]));
    expect(() => loadMatrix(path)).toThrow(/matrix\.json: entry 2 \("windows-server-2025"\): (edition|timeout_minutes)/);
  });

  it('speaks plainly: choices for a wrong value, the field to add, "did you mean" for a misspelt key', () => {
    const dir = makeTempDir();
    const path = join(dir, 'matrix.json');
    const { base_name: _dropped, ...noBase } = linux('ubuntu-24.10');
    writeFileSync(path, JSON.stringify([linux('ubuntu-24.04'), { ...linux('ubuntu-24.12'), platform: 'qemuu' }, { ...linux('ubuntu-25.04'), os: 'mac' }, noBase, { ...linux('ubuntu-25.10'), timout_minutes: 5 }]));
    let message = '';
    try {
      loadMatrix(path);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('entry 2 ("ubuntu-24.12"): platform: use one of "vsphere", "proxmox", "qemu", "local"');
    expect(message).toContain('entry 3 ("ubuntu-25.04"): os: use one of "linux", "windows"');
    expect(message).toContain('entry 4 ("ubuntu-24.10"): base_name: missing: add it (text)');
    expect(message).toContain('entry 5 ("ubuntu-25.10"): unknown key "timout_minutes": did you mean "timeout_minutes"?');
    expect(message).not.toMatch(/Invalid|Unrecognized|received undefined/);
  });

  it('refuses two lines that claim one name', () => {
    const dir = makeTempDir();
    const path = join(dir, 'matrix.json');
    writeFileSync(path, JSON.stringify([linux('ubuntu-24.04', true, ['noble']), linux('ubuntu-24.10', true, ['noble'])]));
    expect(() => loadMatrix(path)).toThrow('entry 2 ("ubuntu-24.10"): aliases: "noble" is already used by entry 1 ("ubuntu-24.04")');
  });
});
