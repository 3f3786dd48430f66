import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { dummySecrets, packerDir } from './lines.js';

/** The Windows answer file carries the build password, so it is rendered outside the repository. */
describe('packer/data/windows/render-seed', () => {
  const script = join(packerDir, 'data/windows/render-seed');

  it('fills the answer file, XML-escaping the password, and leaves no placeholder', async () => {
    const out = mkdtempSync(join(tmpdir(), 'goldsmith-seed-'));
    try {
      const password = `a&b<c>"d'e|f\\g$h${dummySecrets.PKR_VAR_build_password}`;
      const result = await execa(script, ['vsphere', 'server-2025-datacenter-dexp', out], {
        env: { PKR_VAR_build_username: 'goldsmith', PKR_VAR_build_password: password },
        reject: false,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const xml = readFileSync(join(out, 'autounattend.xml'), 'utf8');
      expect(xml).not.toMatch(/@[A-Z_]+@/);
      expect(xml).toContain('<Value>Windows Server 2025 SERVERDATACENTER</Value>');
      expect(xml).toContain(`a&amp;b&lt;c&gt;&quot;d&apos;e|f\\g$h${dummySecrets.PKR_VAR_build_password}`);
      expect(xml).toContain('-Platform vsphere');
      expect(readdirSync(out).sort()).toEqual(['autounattend.xml', 'bootstrap.ps1']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses to render without the build password in PKR_VAR_build_password', async () => {
    const out = mkdtempSync(join(tmpdir(), 'goldsmith-seed-'));
    try {
      const result = await execa(script, ['proxmox', 'server-2022-datacenter-dexp', out], {
        env: { PATH: process.env.PATH ?? '', PKR_VAR_build_username: 'goldsmith' },
        extendEnv: false,
        reject: false,
      });
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain('set PKR_VAR_build_password');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
