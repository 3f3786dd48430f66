import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { ImageCheckResult } from '../../../evidence/run-schema.js';
import { queryGuestAgent } from './boot-image-agent.js';
import { evaluateGuestProbe, GUEST_PROBE } from './boot-image-probe.js';
import { writeBootSeed } from './boot-image-seed.js';
import { toolEnv } from './inspect-image-tools.js';

export interface BootImageOptions {
  image: string;
  /** The image's default user (.images.yaml os_admin_user): the boot check logs in as it. */
  adminUser: string;
  /** A scratch folder: the seed (throwaway key), the agent's socket and the serial console log. */
  workDir: string;
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal | undefined;
  /** How long the guest may take to accept SSH (TCG boots take 30-80 s here). Default 10 minutes. */
  sshTimeoutMs?: number | undefined;
  /** Guest memory in MiB. Default 1024. */
  memoryMiB?: number | undefined;
}

/** A free TCP port on 127.0.0.1 for QEMU's SSH forward. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The last lines of the serial console, without terminal escapes, for a failure's detail. */
async function serialTail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const lines = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  return lines.slice(-3).join(' | ') || 'empty';
}

/**
 * The live half of the image checklist: boots the image under TCG with
 * `-snapshot` (the file is never written), a NoCloud seed giving the admin
 * user a throwaway key, the guest agent's virtio-serial channel and the
 * serial console logged to `<workDir>/serial.log`; logs in over SSH as the
 * admin user, runs the guest probe, asks the guest agent for `guest-info`
 * from the host, and stops QEMU. Checks: `boot-ssh`, then the probe's
 * (cloud-init, systemd, SSH, guest agent, virtio, commands, kernel console,
 * firewall), then `guest-agent-answers`.
 *
 * @example
 * const checks = await bootImage({ image: 'output/debian.qcow2', adminUser: 'debian', workDir: 'job/checklist', env });
 */
export async function bootImage(options: BootImageOptions): Promise<ImageCheckResult[]> {
  const env = toolEnv(options.env);
  const seed = await writeBootSeed({ dir: join(options.workDir, 'boot-seed'), purpose: 'check', iso: true, env, signal: options.signal });
  const socket = join(options.workDir, 'qga.sock');
  const serial = join(options.workDir, 'serial.log');
  for (const path of [options.image, seed.iso!, socket, serial]) {
    if (path.includes(',')) throw new Error(`${path}: QEMU's options cannot hold a path with a comma; use another work folder or image name`);
  }
  await rm(socket, { force: true });
  const port = await freePort();
  const started = Date.now();
  const qemu = execa(
    'qemu-system-x86_64',
    [
      ...['-machine', 'pc,accel=tcg', '-smp', '2', '-m', String(options.memoryMiB ?? 1024), '-nodefaults', '-display', 'none', '-snapshot'],
      ...['-drive', `file=${options.image},if=virtio,format=qcow2`, '-drive', `file=${seed.iso},if=virtio,format=raw,readonly=on`],
      ...['-netdev', `user,id=net0,hostfwd=tcp:127.0.0.1:${port}-:22`, '-device', 'virtio-net-pci,netdev=net0'],
      ...['-chardev', `socket,id=qga0,path=${socket},server=on,wait=off`, '-device', 'virtio-serial', '-device', 'virtserialport,chardev=qga0,name=org.qemu.guest_agent.0'],
      ...['-serial', `file:${serial}`],
    ],
    { env, extendEnv: false, reject: false, stdin: 'ignore', cancelSignal: options.signal, forceKillAfterDelay: 5000 },
  );
  let exited = false;
  void qemu.then(() => (exited = true));
  const ssh = (remote: string[], extra: { input?: string; timeout: number }) =>
    execa(
      'ssh',
      [
        ...['-F', '/dev/null', '-i', seed.privateKeyFile, '-p', String(port), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'],
        ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=10'],
        `${options.adminUser}@127.0.0.1`,
        '--',
        ...remote,
      ],
      { env, extendEnv: false, reject: false, cancelSignal: options.signal, ...extra },
    );
  try {
    const deadline = started + (options.sshTimeoutMs ?? 600_000);
    let lastError = '';
    let loggedIn = false;
    while (!loggedIn && !exited && Date.now() < deadline) {
      const attempt = await ssh(['true'], { timeout: 30_000 });
      if (attempt.exitCode === 0) loggedIn = true;
      else {
        lastError = attempt.stderr.trim().split('\n').at(-1) ?? `exit ${attempt.exitCode}`;
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('cancelled');
        await sleep(3000);
      }
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    if (!loggedIn) {
      const qemuError = exited ? `QEMU exited (${(await qemu).stderr.trim().split('\n').at(-1) ?? 'no message'}); ` : '';
      return [
        {
          name: 'boot-ssh',
          result: 'fail',
          detail: `${qemuError}no SSH login as ${options.adminUser} with the throwaway key within ${seconds} s (last: ${lastError || 'none'}); serial console: ${await serialTail(serial)}. Is os_admin_user the image's default cloud-init user, and does sshd start?`,
        },
      ];
    }
    const checks: ImageCheckResult[] = [{ name: 'boot-ssh', result: 'pass', detail: `booted under TCG; SSH as ${options.adminUser} with a throwaway key given by cloud-init after ${seconds} s` }];
    const probe = await ssh(['sh', '-s'], { input: GUEST_PROBE, timeout: 600_000 });
    checks.push(...evaluateGuestProbe(probe.stdout));
    const agent = await queryGuestAgent(socket, 60_000, options.signal);
    checks.push(
      agent
        ? { name: 'guest-agent-answers', result: 'pass', detail: `guest-info over virtio-serial: qemu-guest-agent ${agent.version}, ${agent.commands} commands` }
        : { name: 'guest-agent-answers', result: 'fail', detail: 'no answer to guest-info over virtio-serial within 60 s: install qemu-guest-agent and let it start (not masked)' },
    );
    return checks;
  } finally {
    qemu.kill('SIGTERM');
    await qemu;
    await rm(seed.privateKeyFile, { force: true });
    await rm(socket, { force: true });
  }
}
