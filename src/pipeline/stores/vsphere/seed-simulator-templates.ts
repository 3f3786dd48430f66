import type { StoreContext } from '../template-store.js';
import { seedTemplate } from './seed-template.js';
import { VsphereTemplateStore } from './vsphere-template-store.js';

/** vcsim's default inventory: a VM to clone seeds from, and the cluster's resource pool. */
const SEED_SOURCE = '/DC0/vm/DC0_C0_RP0_VM0';
const SEED_POOL = '/DC0/host/DC0_C0/Resources';

/**
 * Gives a vCenter simulator the templates the simulator lines clone from:
 * each seed (a path under the datacenter's VM folder, as Packer's
 * `seed_template` takes it) is cloned from vcsim's default VM unless it
 * exists. For `goldsmith demo`; a real vCenter has its own.
 *
 * @example
 * await seedSimulatorTemplates({ config, settings }, ['seeds/seed-ubuntu-24.04'])
 * // [{ path: '/DC0/vm/seeds/seed-ubuntu-24.04', made: 'created' }]
 */
export async function seedSimulatorTemplates(context: Omit<StoreContext, 'location'>, seeds: readonly string[]): Promise<Array<{ path: string; made: 'created' | 'present' }>> {
  const store = new VsphereTemplateStore(context);
  try {
    const made: Array<{ path: string; made: 'created' | 'present' }> = [];
    for (const seed of seeds) {
      const folder = `/${store.connection.datacenter}/vm/${seed.slice(0, seed.lastIndexOf('/'))}`.replace(/\/$/, '');
      const name = seed.slice(seed.lastIndexOf('/') + 1);
      made.push({ path: `${folder}/${name}`, made: await seedTemplate(store.govc, { source: SEED_SOURCE, pool: SEED_POOL, folder, name }) });
    }
    return made;
  } finally {
    store.close();
  }
}
