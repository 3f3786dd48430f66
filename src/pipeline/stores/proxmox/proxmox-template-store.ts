import type { Credential } from '../../../config/find-credentials.js';
import { loadMatrix } from '../../../config/load-matrix.js';
import type { Target } from '../../../evidence/run-schema.js';
import { scrubText } from '../../scrub-text.js';
import { templateNamesOf } from '../template-names.js';
import type { CandidateBuild, CandidateCheck, StoreContext, TemplateDetails, TemplateRef, TemplateStore } from '../template-store.js';
import { moveTemplate, settleMove, type LockWait } from './move-template.js';
import { openPveNode } from './open-pve-node.js';
import { PveError } from './pve-client.js';
import type { PveNode } from './pve-node.js';
import { createdAtOf, isTemplateConfig, moveTargetOf, type PveVm } from './pve-vm.js';
import { freeVmidOf, lineOfName, proxmoxLinesOf, type ProxmoxLine } from './proxmox-lines.js';

/**
 * The Proxmox template store: the VMs of one node, through the Proxmox VE
 * API with an API token. References are `<vmid>-<creation stamp>` (see
 * PveNode); the identity is `proxmox:<host:port>/<node>`.
 *
 * Renames set the VM's name. For a line with `stable_vmid`, a rename that
 * gives or takes `<base>` is a move instead (Proxmox cannot renumber a VM):
 * `<base>` always sits at the line's `vmid`, and what leaves it goes to the
 * lowest free VMID of the line's block (moveTemplate; settle finishes one a
 * crash cut short). Destroy acts only on templates and on the lines' own
 * VMs. Every request goes to `context.log`, scrubbed.
 *
 * @example
 * const store = new ProxmoxTemplateStore({ config, settings, log });
 * await store.find('tpl-rocky-9-build'); // { ref: '92091-1733050000', name: 'tpl-rocky-9-build', path: 'pve.example:8006/pve/92091' }
 */
export class ProxmoxTemplateStore implements TemplateStore {
  readonly platform = 'proxmox';
  readonly identity: string;
  readonly retargetHint = 'set PROXMOX_URL to that cluster and proxmox.node to that node';
  readonly location: string;
  readonly repairHint = 'qm set <vmid> --name <name> on the node, or the Proxmox web UI';
  readonly secrets: readonly Credential[];
  readonly node: PveNode;
  readonly lines: readonly ProxmoxLine[];
  private readonly log: ((text: string) => void) | undefined;
  private readonly secretValues: readonly string[];
  private readonly wait: LockWait;
  /** VMIDs by name, as last seen: for describeTarget, which cannot ask. */
  private readonly seen = new Map<string, number>();

  constructor(context: StoreContext) {
    const opened = openPveNode(context);
    this.node = opened.node;
    this.identity = `proxmox:${opened.host}/${opened.node.node}`;
    this.location = `${opened.host}/${opened.node.node}`;
    this.secretValues = opened.secrets;
    this.secrets = opened.secrets.map((value) => ({ name: 'PROXMOX_TOKEN_SECRET', value }));
    this.log = context.log;
    this.lines = proxmoxLinesOf(loadMatrix(context.config.packer.matrix), context.config.proxmox.vmid_block);
    this.wait = { timeoutMs: context.config.proxmox.task_timeout_minutes * 60_000, pollMs: opened.pollMs, note: (text) => this.note(text) };
  }

  private pathOf(vm: PveVm): string {
    this.seen.set(vm.name, vm.vmid);
    return `${this.location}/${vm.vmid}`;
  }

  private async refOf(vm: PveVm): Promise<TemplateRef | undefined> {
    const ref = await this.node.refOf(vm);
    return ref ? { ref, name: vm.name, path: this.pathOf(vm) } : undefined;
  }

  /** The one VM holding `ref` (the source while a move is unfinished), or undefined when it is gone. */
  private async holderOf(ref: string): Promise<PveVm | undefined> {
    const holders = await this.node.holdersOf(ref);
    if (holders.length <= 1) return holders[0];
    // A move is unfinished: until settled, the reference is still the source (the VM moving to another VMID).
    return holders.find((vm) => moveTargetOf(vm) !== undefined && moveTargetOf(vm) !== vm.vmid) ?? holders[0];
  }

  async list(): Promise<TemplateRef[]> {
    const vms = (await this.node.vms()).filter((vm) => vm.template || lineOfName(this.lines, vm.name) !== undefined);
    const refs = await Promise.all(vms.map((vm) => this.refOf(vm)));
    return refs.filter((ref): ref is TemplateRef => ref !== undefined);
  }

  async find(name: string): Promise<TemplateRef | undefined> {
    const named = (await this.node.vms()).filter((vm) => vm.name === name);
    if (named.length > 1) {
      throw new Error(`${named.length} VMs on node ${this.node.node} are named ${name} (VMIDs ${named.map((vm) => vm.vmid).join(', ')}): rename or destroy all but one, then run again`);
    }
    return named[0] ? this.refOf(named[0]) : undefined;
  }

  async nameOf(ref: string): Promise<string | undefined> {
    return (await this.holderOf(ref))?.name;
  }

  async describe(template: TemplateRef): Promise<TemplateDetails | undefined> {
    const vm = await this.holderOf(template.ref);
    const config = vm ? await this.node.config(vm.vmid) : undefined;
    if (!vm || !config) return undefined;
    const ready = isTemplateConfig(config) && !config.lock;
    return {
      ref: template.ref,
      name: vm.name,
      path: this.pathOf(vm),
      ready,
      kind: isTemplateConfig(config) ? 'a template' : 'a VM',
      notReady: ready
        ? undefined
        : config.lock
          ? `is locked (${config.lock}) by a Proxmox task: wait for it to end, then run again`
          : 'is a VM, not a template: let Packer convert it (template = true, the proxmox-iso default) and rebuild',
      createdAt: createdAtOf(config),
      createdFrom: createdAtOf(config) ? 'config meta ctime' : null,
    };
  }

  // The engine settles `ref` before every step (and before an undo), so a move cut short is finished by now.
  async rename(ref: string, newName: string): Promise<void> {
    const vm = await this.holderOf(ref);
    if (!vm) throw new Error(`${ref} is gone from node ${this.node.node}`);
    const target = await this.vmidFor(vm, newName);
    if (target === vm.vmid) {
      await this.node.setName(vm.vmid, newName);
      this.seen.set(newName, vm.vmid);
      return;
    }
    await moveTemplate(this.node, vm, ref, target, newName, this.wait);
    this.seen.set(newName, target);
  }

  /** Where `vm` must sit once named `name`: its own VMID, unless its line keeps `<base>` at a stable VMID. */
  private async vmidFor(vm: PveVm, name: string): Promise<number> {
    const line = lineOfName(this.lines, name);
    if (!line?.stable) return vm.vmid;
    if (name === line.base) return line.vmid;
    if (vm.vmid !== line.vmid) return vm.vmid;
    const taken = new Set((await this.node.clusterGuests()).map((guest) => guest.vmid));
    const free = freeVmidOf(line, taken);
    if (free === undefined) throw new Error(`no free VMID left in ${line.key}'s block ${line.vmid}-${line.last} to move ${vm.name} out of ${line.vmid}: destroy old rolled-back templates (goldsmith templates ${line.key}) or raise proxmox.vmid_block`);
    return free;
  }

  async destroy(ref: string): Promise<void> {
    const vm = await this.holderOf(ref);
    if (!vm) return;
    const line = lineOfName(this.lines, vm.name);
    if (!line) throw new Error(`refusing to destroy VMID ${vm.vmid} (${vm.name}) on node ${this.node.node}: it is not one of a Proxmox line's templates`);
    // Only a build cut short (Packer never converted it) may be a plain VM; any other VM is someone's.
    if (!vm.template && vm.name !== templateNamesOf(line.base).build) {
      throw new Error(`refusing to destroy VMID ${vm.vmid} (${vm.name}) on node ${this.node.node}: it is a VM, not a template; rename it if it is someone's, or destroy it by hand if it is a leftover`);
    }
    await this.node.destroy(vm.vmid);
  }

  async settle(ref: string): Promise<void> {
    await settleMove(this.node, ref, this.wait);
  }

  isTransient(error: unknown): boolean {
    return error instanceof PveError && error.transient;
  }

  async checkCandidate(candidate: TemplateDetails, build: CandidateBuild): Promise<CandidateCheck> {
    const target = build.run.target;
    if (target.platform !== 'proxmox') return { ok: false, message: `${build.record} is a ${target.platform} build, not a Proxmox one: check the platform of ${build.run.line} in the matrix, then rebuild` };
    if (target.template_name !== candidate.name) return { ok: false, message: `${build.record} built ${target.template_name}, not ${candidate.name}: check base_name of ${build.run.line} in the matrix, then rebuild` };
    const vmid = this.seen.get(candidate.name);
    if (target.vmid !== null && vmid !== undefined && target.vmid !== vmid) {
      return { ok: false, message: `${build.record} built ${candidate.name} at VMID ${target.vmid}, but ${candidate.name} is VMID ${vmid} now: it was replaced outside goldsmith. Rebuild the line (goldsmith build ${build.run.line} --wait)` };
    }
    return { ok: true, detail: target.vmid !== null ? `${candidate.name} is VMID ${target.vmid} on node ${target.node ?? this.node.node}, as the record says` : '' };
  }

  describeTarget(templateName: string): Target {
    return { platform: 'proxmox', node: this.node.node, vmid: this.seen.get(templateName) ?? null, template_name: templateName };
  }

  note(text: string): void {
    this.log?.(`${scrubText(text, this.secretValues)}\n`);
  }

  close(): void {
    // Each request opens its own connection: nothing is held.
  }
}
