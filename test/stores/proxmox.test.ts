import { afterAll, expect } from 'vitest';
import { closeProxmoxFakes, makeProxmoxEnv, PVE_LINE } from '../helpers/proxmox-env.js';
import { storeContract, type StoreFixture } from './contract.js';

afterAll(closeProxmoxFakes);

/** The Proxmox store on a fake PVE API of its own; identities are disk ids, which a full clone copies. */
function proxmoxFixture(stable: boolean): () => Promise<StoreFixture> {
  return async () => {
    const env = await makeProxmoxEnv({ stable });
    const { line, base, vmid } = PVE_LINE;
    return {
      line,
      base,
      location: `127.0.0.1:${new URL(env.pve.url).port}/pve`,
      seed: async (name) => env.seed(name).disk,
      inventory: async () => env.inventory(),
      sealBuild: () => env.sealBuildRecord(),
      cli: (args) => env.cli(args),
      spawnPromotion: (args, point) => env.spawnPromotion(args, point),
      promotionRuns: () => env.promotionRuns() as unknown as ReturnType<StoreFixture['promotionRuns']>,
      audit: () => env.audit(),
      async consistent() {
        const vms = [...env.pve.vms.values()];
        // Every VM of the line is a finished template, no move is left half done, no disk is held twice.
        expect(vms.filter((vm) => !vm.template || vm.lock).map((vm) => vm.name)).toEqual([]);
        expect(vms.filter((vm) => vm.tags.some((tag) => tag.startsWith('gsmove-') && tag !== `gsmove-${vm.vmid}`)).map((vm) => vm.name)).toEqual([]);
        expect(new Set(vms.map((vm) => vm.disk)).size).toBe(vms.length);
        if (stable && env.vmids()[base] !== undefined) expect(env.vmids()[base]).toBe(vmid);
      },
    };
  };
}

// VMID-stable promotion moves templates with several tasks each: it runs the whole crash matrix. Names swap is
// VMID-stable's renames without the moves (one atomic API call each), so it runs the rest of the contract.
storeContract('proxmox (VMID-stable)', proxmoxFixture(true));
storeContract('proxmox (names swap)', proxmoxFixture(false), { crashes: false });
