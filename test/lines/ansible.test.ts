import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ansibleDir, requireTool } from './lines.js';

const playbooks = readdirSync(ansibleDir).filter((f) => f.endsWith('.yml')).sort();

/** Offline, colourless, and with caches in a temporary home. */
function ansibleEnv(home: string): Record<string, string> {
  return { ANSIBLE_CONFIG: join(ansibleDir, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1', NO_COLOR: '1', HOME: home, ANSIBLE_LOCAL_TEMP: join(home, 'tmp') };
}

describe('ansible/', () => {
  let home: string;

  beforeAll(async () => {
    await requireTool('ansible-playbook');
    await requireTool('ansible-lint');
    home = mkdtempSync(join(tmpdir(), 'goldsmith-ansible-'));
    // ansible-core alone lacks the Windows modules; Debian's `ansible` package ships them.
    const collections = await execa('ansible-galaxy', ['collection', 'list', 'ansible.windows'], { env: ansibleEnv(home), reject: false });
    if (!collections.stdout.includes('ansible.windows')) {
      throw new Error("the ansible.windows collection is missing: install Debian's `ansible` package (scripts/setup-infra should install it)");
    }
    return () => rmSync(home, { recursive: true, force: true });
  });

  it('has the Linux, QEMU (VK Cloud vm_init) and Windows playbooks', () => {
    expect(playbooks).toEqual(['linux.yml', 'qemu.yml', 'windows.yml']);
  });

  it('passes ansible-playbook --syntax-check', async () => {
    const result = await execa('ansible-playbook', ['--syntax-check', '-i', 'default,', ...playbooks], {
      cwd: ansibleDir,
      env: ansibleEnv(home),
      reject: false,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    for (const playbook of playbooks) expect(result.stdout).toContain(`playbook: ${playbook}`);
  });

  it('passes ansible-lint offline with the production profile', async () => {
    const result = await execa('ansible-lint', ['--offline', '--nocolor'], { cwd: ansibleDir, env: ansibleEnv(home), reject: false });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.exitCode, output).toBe(0);
    const linted = /Passed with production profile: 0 failure\(s\), 0 warning\(s\) on (\d+) files/.exec(output);
    expect(linted, output).not.toBeNull();
    expect(Number(linted![1])).toBeGreaterThanOrEqual(20);
  }, 60_000);

  it('fails ansible-lint on a task without a fully qualified module name (the lint can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goldsmith-lint-'));
    try {
      copyFileSync(join(ansibleDir, '.ansible-lint'), join(dir, '.ansible-lint'));
      writeFileSync(join(dir, 'bad.yml'), '---\n- name: Bad\n  hosts: default\n  tasks:\n    - name: Short module name\n      command: /bin/true\n');
      const result = await execa('ansible-lint', ['--offline', '--nocolor', 'bad.yml'], { cwd: dir, env: ansibleEnv(home), reject: false });
      expect(result.exitCode).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toMatch(/fqcn/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
