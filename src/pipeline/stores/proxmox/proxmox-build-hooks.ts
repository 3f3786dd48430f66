import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MatrixEntry } from '../../../config/matrix-schema.js';
import { lineVarFiles } from '../../line-var-files.js';
import { templateNamesOf } from '../template-names.js';
import type { StoreBuildHooks, StoreContext } from '../template-store.js';
import { freeVmidOf, lineOfName, type ProxmoxLine } from './proxmox-lines.js';
import { ProxmoxTemplateStore } from './proxmox-template-store.js';

/** A var-file that sets `vm_id` would override goldsmith's choice (Packer ranks var-files above PKR_VAR_*). */
function refuseVmIdInVarFiles(context: Omit<StoreContext, 'log' | 'location'>, entry: MatrixEntry): void {
  const { shared, own } = lineVarFiles(context.config, entry);
  for (const file of [...shared, own]) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // A missing var-file is Packer's error to report, with its own words.
    }
    if (/^\s*vm_id\s*=/m.test(text)) {
      throw new Error(`${file} sets vm_id: goldsmith chooses the VMID of each Proxmox build inside the line's block (docs/proxmox.md); remove the vm_id line`);
    }
  }
}

/**
 * The work around a Proxmox build:
 *
 * - before Packer: every guest of the cluster inside the line's VMID block
 *   must be the line's own (a foreign one is refused, naming it and its
 *   node); a stale `<base>-build` is destroyed; the build's VMID is the
 *   lowest free one of the block (never the stable VMID of a
 *   `stable_vmid` line). Var-files must not set `vm_id`.
 * - Packer gets `PKR_VAR_vm_id`.
 * - after Packer: `<base>-build` must be at that VMID; its node and VMID go
 *   into the record's `target`.
 *
 * The API requests go to `prepare.log` in the job's folder.
 *
 * @example
 * const hooks = proxmoxBuildHooks({ config, settings });
 */
export function proxmoxBuildHooks(context: Omit<StoreContext, 'log' | 'location'>): StoreBuildHooks {
  const chosen = new Map<string, number>();
  const storeOf = (jobDir: string) => new ProxmoxTemplateStore({ ...context, log: (text) => appendFileSync(join(jobDir, 'prepare.log'), text, { mode: 0o600 }) });
  const lineOf = (store: ProxmoxTemplateStore, entry: MatrixEntry): ProxmoxLine => {
    const line = store.lines.find((candidate) => candidate.key === entry.key);
    if (!line) throw new Error(`${entry.key} has no vmid in the matrix: give Proxmox lines one (docs/proxmox.md)`);
    return line;
  };
  return {
    async beforePacker(_job, entry, jobDir) {
      refuseVmIdInVarFiles(context, entry);
      const store = storeOf(jobDir);
      const line = lineOf(store, entry);
      const build = templateNamesOf(entry.base_name).build;
      const guests = await store.node.clusterGuests();
      const inBlock = guests.filter((guest) => guest.vmid >= line.vmid && guest.vmid <= line.last);
      const foreign = inBlock.find((guest) => guest.node !== store.node.node || lineOfName([line], guest.name) === undefined);
      if (foreign) {
        throw new Error(
          `VMID ${foreign.vmid} is held by ${foreign.type === 'lxc' ? 'container' : 'VM'} ${foreign.name || '(no name)'} on node ${foreign.node}, inside ${entry.key}'s reserved VMIDs ${line.vmid}-${line.last}: ` +
            `move it out of the block, or give the line another vmid in the matrix (docs/proxmox.md); nothing was built`,
        );
      }
      const stale = await store.find(build);
      if (stale) {
        store.note(`# destroying the stale, unpromoted ${build} (${stale.ref}) so Packer can build it again`);
        await store.destroy(stale.ref);
      } else store.note(`# no stale ${build} to clear`);
      const taken = new Set(inBlock.filter((guest) => guest.name !== build).map((guest) => guest.vmid));
      const vmid = freeVmidOf(line, taken);
      if (vmid === undefined) {
        throw new Error(`no free VMID left in ${entry.key}'s block ${line.vmid}-${line.last}: destroy old rolled-back templates (goldsmith templates ${entry.key}) or raise proxmox.vmid_block`);
      }
      store.note(`# ${build} will be VMID ${vmid} on node ${store.node.node}`);
      chosen.set(jobDir, vmid);
    },
    packerEnv: (_job, _entry, jobDir): Record<string, string> => {
      const vmid = chosen.get(jobDir);
      return vmid === undefined ? {} : { PKR_VAR_vm_id: String(vmid) };
    },
    async afterPacker(_job, entry, jobDir) {
      const store = storeOf(jobDir);
      const name = templateNamesOf(entry.base_name).build;
      const built = await store.find(name);
      const vmid = chosen.get(jobDir);
      chosen.delete(jobDir);
      if (!built) return { ok: false, reason: `Packer ended well but there is no ${name} on node ${store.node.node}: check the line's template name and proxmox_node` };
      const target = store.describeTarget(name);
      if (vmid !== undefined && target.platform === 'proxmox' && target.vmid !== vmid) {
        return { ok: false, reason: `${name} is VMID ${target.vmid}, not the ${vmid} goldsmith gave Packer: check that the line's template uses vm_id = var.vm_id` };
      }
      return { ok: true, facts: { target } };
    },
    async builtRef(entry, jobDir) {
      return (await storeOf(jobDir).find(templateNamesOf(entry.base_name).build))?.ref ?? null;
    },
  };
}
