/** A VM as `GET /nodes/{node}/qemu` lists it. */
export interface PveListedVm {
  vmid: number | string;
  name?: string;
  template?: number | string | boolean;
  lock?: string;
  /** `;`-separated (older releases: `,` or spaces). */
  tags?: string;
  status?: string;
}

/** What `GET /nodes/{node}/qemu/{vmid}/config` says of a VM (the keys goldsmith reads). */
export interface PveVmConfig {
  name?: string;
  template?: number | string | boolean;
  lock?: string;
  tags?: string;
  description?: string;
  /** `creation-qemu=8.1.5,ctime=1733050000`. */
  meta?: string;
  /** `uuid=…`. */
  smbios1?: string;
}

/** One of the node's VMs as the store works with it. */
export interface PveVm {
  vmid: number;
  name: string;
  template: boolean;
  lock: string | undefined;
  tags: string[];
}

/** The tag that carries a template's reference through a move (VMID-stable promotion): `gsref-<vmid>-<stamp>`. */
export const REF_TAG = 'gsref-';
/** The tag that names the VMID a move is taking a template to: `gsmove-<vmid>`. */
export const MOVE_TAG = 'gsmove-';

const truthy = (value: number | string | boolean | undefined) => value === 1 || value === '1' || value === true;

/** The listed VM, normalized. */
export function pveVmOf(listed: PveListedVm): PveVm {
  return {
    vmid: Number(listed.vmid),
    name: listed.name ?? '',
    template: truthy(listed.template),
    lock: listed.lock || undefined,
    tags: (listed.tags ?? '').split(/[;, ]+/).filter(Boolean),
  };
}

/** True when the config says the VM is a template. */
export const isTemplateConfig = (config: PveVmConfig) => truthy(config.template);

/**
 * A VM's creation stamp: `ctime` from its `meta` (Proxmox VE 6.2 and later
 * write it at creation, and a clone gets its own), else its SMBIOS UUID.
 * With the VMID it makes a reference no later VM can share, though VMIDs
 * are reused.
 */
export function creationStampOf(config: PveVmConfig): string {
  const ctime = /(?:^|,)ctime=(\d+)/.exec(config.meta ?? '')?.[1];
  if (ctime) return ctime;
  const uuid = /(?:^|,)uuid=([0-9a-f-]+)/i.exec(config.smbios1 ?? '')?.[1];
  return uuid ? uuid.replace(/-/g, '').slice(0, 16).toLowerCase() : 'unstamped';
}

/** ISO 8601 UTC from the config's `ctime`, or null. */
export function createdAtOf(config: PveVmConfig): string | null {
  const ctime = /(?:^|,)ctime=(\d+)/.exec(config.meta ?? '')?.[1];
  return ctime ? new Date(Number(ctime) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
}

/** The reference a move carried onto this VM (its `gsref-` tag), or undefined. */
export const carriedRefOf = (vm: PveVm) => vm.tags.find((tag) => tag.startsWith(REF_TAG))?.slice(REF_TAG.length);

/** The VMID a move was taking this VM to (its `gsmove-` tag), or undefined. */
export function moveTargetOf(vm: PveVm): number | undefined {
  const tag = vm.tags.find((candidate) => candidate.startsWith(MOVE_TAG));
  return tag ? Number(tag.slice(MOVE_TAG.length)) : undefined;
}

/** The VMID a reference was first made at: `91221-1733050000` → 91221. */
export const vmidOfRef = (ref: string) => Number(ref.split('-')[0]);
