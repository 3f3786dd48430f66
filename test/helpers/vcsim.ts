import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { onTestFinished } from 'vitest';

const infraBin = fileURLToPath(new URL('../../.infra/bin/', import.meta.url));
export const GOVC = join(infraBin, 'govc');
export const VCSIM = join(infraBin, 'vcsim');

/** The folder goldsmith keeps templates in, in these tests (vsphere.folder: Templates on DC0). */
export const TEMPLATES = '/DC0/vm/Templates';

export interface TestVcsim {
  /** `127.0.0.1:<port>` */
  server: string;
  pid: number;
  /** A random password: vcsim accepts any, and the tests check it never leaks. */
  password: string;
  /** What goldsmith (and Packer) run with: GOVC_* and PKR_VAR_vsphere_*. */
  env: Record<string, string>;
  /** Runs govc against this vcsim (its own GOVMOMI_HOME), independently of goldsmith's code. */
  govc(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  /** `govc ls -l -i <folder>` as `name -> moref` (only VMs and templates directly inside). */
  inventory(folder?: string): Promise<Map<string, string>>;
  /** Clones vcsim's DC0_C0_RP0_VM0 powered off into `folder/name` and marks it a template; returns its moref. */
  seedTemplate(name: string, folder?: string): Promise<string>;
  /** SIGSTOP / SIGCONT: vCenter stops answering, then answers again (state kept). */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/**
 * Starts a vcsim of the test's own on a free loopback port and stops it when
 * the test finishes, passed or failed.
 *
 * @example
 * const sim = await startTestVcsim();
 * await sim.seedTemplate('tpl-ubuntu-24.04-build');
 */
export async function startTestVcsim(): Promise<TestVcsim> {
  // -stdinexit: vcsim exits when its stdin closes, so it cannot outlive the test worker, even a killed one.
  const child = spawn(VCSIM, ['-l', '127.0.0.1:0', '-stdinexit'], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid!;
  const exited = once(child, 'exit');
  const home = mkdtempSync(join(tmpdir(), 'test-govmomi-'));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-pid, 'SIGCONT');
      process.kill(-pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    const killer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 5_000);
    await exited;
    clearTimeout(killer);
    rmSync(home, { recursive: true, force: true });
  };
  onTestFinished(stop);
  child.stderr.resume();
  const lines = createInterface({ input: child.stdout });
  const server = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('vcsim printed no GOVC_URL within 10 s')), 10_000);
    lines.on('line', (line) => {
      const match = /GOVC_URL=\S*@(127\.0\.0\.1:\d+)\/sdk/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  lines.on('line', () => undefined);
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const env = {
    GOVC_URL: `https://${server}/sdk`,
    GOVC_USERNAME: 'tester',
    GOVC_PASSWORD: password,
    GOVC_INSECURE: '1',
    PKR_VAR_vsphere_server: server,
    PKR_VAR_vsphere_username: 'tester',
    PKR_VAR_vsphere_password: password,
  };
  const govc = async (args: string[]) => {
    const result = await execa(GOVC, args, { reject: false, env: { ...env, GOVMOMI_HOME: home }, timeout: 20_000 });
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
  };
  const must = async (args: string[]) => {
    const result = await govc(args);
    if (result.exitCode !== 0) throw new Error(`govc ${args.join(' ')}: ${result.stderr}`);
    return result;
  };
  return {
    server,
    pid,
    password,
    env,
    govc,
    async inventory(folder = TEMPLATES) {
      const { stdout } = await must(['ls', '-l', '-i', folder]);
      const map = new Map<string, string>();
      for (const line of stdout.split('\n')) {
        const match = /^(VirtualMachine:\S+) (.+)$/.exec(line.trim());
        if (match) map.set(match[2]!.slice(match[2]!.lastIndexOf('/') + 1), match[1]!);
      }
      return map;
    },
    async seedTemplate(name, folder = TEMPLATES) {
      await govc(['folder.create', folder]);
      // Cloned under a unique name, then renamed: the datastore folder never clashes, and the path is never ambiguous while marking.
      const scratch = `seed-${randomBytes(4).toString('hex')}`;
      await must(['vm.clone', '-vm', '/DC0/vm/DC0_C0_RP0_VM0', '-pool', '/DC0/host/DC0_C0/Resources', '-folder', folder, '-on=false', scratch]);
      await must(['vm.markastemplate', `${folder}/${scratch}`]);
      const moref = (await must(['ls', '-i', `${folder}/${scratch}`])).stdout.trim();
      await must(['object.rename', moref, name]);
      return moref;
    },
    pause: () => process.kill(-pid, 'SIGSTOP'),
    resume: () => process.kill(-pid, 'SIGCONT'),
    stop,
  };
}
