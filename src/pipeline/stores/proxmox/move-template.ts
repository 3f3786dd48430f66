import { setTimeout as sleep } from 'node:timers/promises';
import { PveError } from './pve-client.js';
import type { PveNode } from './pve-node.js';
import { moveTargetOf, type PveVm } from './pve-vm.js';

/** How long to wait for a VM another task holds (a clone still copying after a crash), and the longest pause between looks. */
export interface LockWait {
  timeoutMs: number;
  pollMs: number;
  note: (text: string) => void;
}


/** The node's VMs once none of `vmids` is locked by a task; throws (transient) when the wait runs out. */
async function whenUnlocked(node: PveNode, vmids: readonly number[], wait: LockWait): Promise<PveVm[]> {
  const deadline = Date.now() + wait.timeoutMs;
  let pause = 100;
  for (;;) {
    const vms = await node.vms();
    const locked = vms.filter((vm) => vmids.includes(vm.vmid) && vm.lock !== undefined);
    if (locked.length === 0) return vms;
    if (Date.now() > deadline) {
      throw new PveError(`${locked.map((vm) => `VMID ${vm.vmid} (${vm.name})`).join(' and ')} still locked (${locked.map((vm) => vm.lock).join(', ')}) after ${Math.round(wait.timeoutMs / 60_000)} minutes: a Proxmox task holds it; run again once it has ended`, null, true);
    }
    wait.note(`# waiting for ${locked.map((vm) => `VMID ${vm.vmid} (lock: ${vm.lock})`).join(', ')}`);
    await sleep(pause);
    pause = Math.min(pause * 1.5, wait.pollMs);
  }
}

/**
 * Finishes a VMID-stable move of `ref` that a crash cut short: once both
 * the source (tagged as moving to VMID T) and its clone at T exist, waits
 * for Proxmox's own clone task, converts the clone to a template, and
 * destroys the source, so the reference has one holder again. A move cut
 * short before its clone existed (or whose clone task failed: Proxmox
 * removes that clone) is left to run again.
 *
 * @example
 * await settleMove(node, '92091-1733050000', { timeoutMs: 1_800_000, pollMs: 1000, note });
 */
export async function settleMove(node: PveNode, ref: string, wait: LockWait): Promise<void> {
  let holders = await node.holdersOf(ref);
  if (holders.length < 2) return;
  wait.note(`# finishing an interrupted move of ${ref}: ${holders.map((vm) => `VMID ${vm.vmid} (${vm.name})`).join(', ')}`);
  holders = await node.holdersOf(ref, await whenUnlocked(node, holders.map((vm) => vm.vmid), wait));
  const source = holders.find((vm) => moveTargetOf(vm) !== undefined && moveTargetOf(vm) !== vm.vmid);
  const clone = source ? holders.find((vm) => vm.vmid === moveTargetOf(source)) : undefined;
  if (!source || !clone) {
    if (holders.length > 1) throw new Error(`${holders.map((vm) => `VMID ${vm.vmid} (${vm.name})`).join(' and ')} all carry reference ${ref}, and none is the source of a move: remove the gsref- tag of the one that is not the line's (docs/proxmox.md)`);
    return;
  }
  if (!clone.template) await node.convertToTemplate(clone.vmid);
  await node.destroy(source.vmid);
  wait.note(`# moved ${ref} from VMID ${source.vmid} to ${clone.vmid} (${clone.name})`);
}

/**
 * Moves a template to another VMID under a new name, as VMID-stable
 * promotion does (Proxmox cannot renumber a VM): tag the source with its
 * reference and the target, full-clone it to `target` named `name` (the
 * clone copies the tags), convert the clone to a template, destroy the
 * source. The name the reference reports changes only at the end (the
 * source's name until it is destroyed); settleMove finishes the rest after
 * a crash.
 *
 * @example
 * await moveTemplate(node, vm, ref, 92090, 'tpl-rocky-9', wait);
 */
export async function moveTemplate(node: PveNode, vm: PveVm, ref: string, target: number, name: string, wait: LockWait): Promise<void> {
  const holder = (await node.clusterGuests()).find((guest) => guest.vmid === target);
  if (holder) throw new Error(`cannot move ${vm.name} (VMID ${vm.vmid}) to VMID ${target}: ${holder.type === 'lxc' ? 'container' : 'VM'} ${holder.name || '(no name)'} on node ${holder.node} holds it`);
  await node.tagMove(vm, ref, target);
  wait.note(`# moving ${vm.name} (${ref}) from VMID ${vm.vmid} to ${target} as ${name}: full clone, convert to template, destroy the source`);
  await node.fullClone(vm.vmid, target, name);
  await node.convertToTemplate(target);
  await node.destroy(vm.vmid);
}
