import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { JobStore } from '../../job-store.js';

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Whether the group's leader still runs the Packer that was started: after a
 * reboot or a long pause its id may belong to someone else's process, which
 * must never be signalled. Where /proc cannot tell, the group is trusted.
 */
function runsPacker(pgid: number, binary: string | null): boolean {
  if (!binary) return true;
  let argv0: string;
  try {
    argv0 = readFileSync(`/proc/${pgid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch (error) {
    // The leader has exited but its children may live on in the group: still ours.
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  return basename(argv0) === basename(binary);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Stops every Packer process group that a killed goldsmith process left
 * running (as recorded in the job store): SIGINT, so Packer deletes its
 * half-built VM, then SIGKILL once `graceMs` has passed. Returns, per job, a
 * sentence saying what was stopped, for the job's interrupted reason.
 *
 * @example
 * const stopped = await stopLeftoverPacker(store, 60_000);
 * store.markInterrupted(undefined, stopped);
 */
export async function stopLeftoverPacker(store: JobStore, graceMs: number): Promise<Map<number, string>> {
  const stopped = new Map<number, string>();
  const groups = store.leftoverProcessGroups().filter((group) => groupAlive(group.pgid) && runsPacker(group.pgid, group.binary));
  for (const group of groups) process.kill(-group.pgid, 'SIGINT');
  const until = Date.now() + graceMs;
  while (groups.some((group) => groupAlive(group.pgid)) && Date.now() < until) await sleep(100);
  for (const group of groups) {
    const killed = groupAlive(group.pgid);
    if (killed) process.kill(-group.pgid, 'SIGKILL');
    stopped.set(group.jobId, `Its Packer process group ${group.pgid} was still running and was stopped (SIGINT${killed ? `, then SIGKILL after ${Math.round(graceMs / 1000)} s` : ''}). `);
    store.addEvent(group.jobId, 'packer-stopped', `left-over Packer process group ${group.pgid} stopped at start-up${killed ? ' (SIGKILL)' : ''}`);
  }
  return stopped;
}
