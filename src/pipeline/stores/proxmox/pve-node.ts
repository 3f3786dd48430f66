import { PveError, type PveClient } from './pve-client.js';
import { carriedRefOf, creationStampOf, MOVE_TAG, pveVmOf, REF_TAG, vmidOfRef, type PveListedVm, type PveVm, type PveVmConfig } from './pve-vm.js';

/** A VM somewhere in the cluster, as `GET /cluster/resources?type=vm` lists it (VMIDs are cluster-wide). */
export interface ClusterGuest {
  vmid: number;
  name: string;
  node: string;
  type: string;
}

/**
 * The VMs of one Proxmox node, through the API: listing, references, and
 * the operations the store builds on (rename, tag, clone, convert,
 * destroy), each waiting for its task.
 *
 * A VM's reference is `<vmid>-<creation stamp>` (see creationStampOf), or
 * the one a VMID-stable move carried onto it in a `gsref-` tag: it survives
 * renames and moves, and no later VM at the same VMID shares it.
 *
 * @example
 * const node = new PveNode(client, 'pve');
 * const [vm] = await node.vms();
 * await node.refOf(vm); // '92091-1733050000'
 */
export class PveNode {
  constructor(
    readonly client: PveClient,
    readonly node: string,
    private readonly cloneStorage?: string | undefined,
  ) {}

  private path(vmid?: number): string {
    return `/nodes/${encodeURIComponent(this.node)}/qemu${vmid === undefined ? '' : `/${vmid}`}`;
  }

  /** Every VM of the node. */
  async vms(): Promise<PveVm[]> {
    return (await this.client.get<PveListedVm[]>(this.path())).map(pveVmOf);
  }

  /** Every guest of the cluster (VMs and containers), for VMID checks. */
  async clusterGuests(): Promise<ClusterGuest[]> {
    const listed = await this.client.get<Array<{ vmid?: number | string; name?: string; node?: string; type?: string }>>('/cluster/resources', { type: 'vm' });
    return listed.filter((guest) => guest.vmid !== undefined).map((guest) => ({ vmid: Number(guest.vmid), name: guest.name ?? '', node: guest.node ?? '', type: guest.type ?? 'qemu' }));
  }

  /** A VM's configuration, or undefined when it is gone. */
  async config(vmid: number): Promise<PveVmConfig | undefined> {
    try {
      return await this.client.get<PveVmConfig>(`${this.path(vmid)}/config`);
    } catch (error) {
      if (error instanceof PveError && error.vmGone) return undefined;
      throw error;
    }
  }

  /** The VM's reference (undefined when it vanished meanwhile). */
  async refOf(vm: PveVm): Promise<string | undefined> {
    const carried = carriedRefOf(vm);
    if (carried) return carried;
    const config = await this.config(vm.vmid);
    return config ? `${vm.vmid}-${creationStampOf(config)}` : undefined;
  }

  /**
   * The VMs holding `ref`: the ones a move tagged with it, and the VM first
   * made with it when it is still there (same VMID, same stamp). One
   * normally; two while a move is unfinished (source and clone).
   */
  async holdersOf(ref: string, vms?: PveVm[]): Promise<PveVm[]> {
    const all = vms ?? (await this.vms());
    const holders = all.filter((vm) => carriedRefOf(vm) === ref);
    const original = all.find((vm) => vm.vmid === vmidOfRef(ref) && carriedRefOf(vm) === undefined);
    if (original && (await this.refOf(original)) === ref) holders.push(original);
    return holders;
  }

  async setName(vmid: number, name: string): Promise<void> {
    await this.client.put(`${this.path(vmid)}/config`, { name });
  }

  /** Marks a VM as moving, with its reference, to `target` (the tags a clone copies). */
  async tagMove(vm: PveVm, ref: string, target: number): Promise<void> {
    const kept = vm.tags.filter((tag) => !tag.startsWith(REF_TAG) && !tag.startsWith(MOVE_TAG));
    await this.client.put(`${this.path(vm.vmid)}/config`, { tags: [...kept, `${REF_TAG}${ref}`, `${MOVE_TAG}${target}`].join(';') });
  }

  /** A full clone of `vmid` at `newid`, named `name`; waits for the task. */
  async fullClone(vmid: number, newid: number, name: string): Promise<void> {
    const upid = await this.client.post<string>(`${this.path(vmid)}/clone`, { newid, name, full: 1, ...(this.cloneStorage ? { storage: this.cloneStorage } : {}) });
    await this.client.waitTask(this.node, upid);
  }

  /** Converts a VM to a template; waits for the task. */
  async convertToTemplate(vmid: number): Promise<void> {
    await this.client.waitTask(this.node, await this.client.post<string>(`${this.path(vmid)}/template`));
  }

  /** Destroys a VM with its disks and every reference to it (jobs, replication, HA); waits for the task. */
  async destroy(vmid: number): Promise<void> {
    const upid = await this.client.delete<string>(this.path(vmid), { purge: 1, 'destroy-unreferenced-disks': 1 });
    await this.client.waitTask(this.node, upid);
  }
}
