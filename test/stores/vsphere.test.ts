import { makeSimEnv, UBUNTU } from '../helpers/sim-env.js';
import { TEMPLATES } from '../helpers/vcsim.js';
import { storeContract, type StoreFixture } from './contract.js';

/** The vSphere store on a real vcsim of its own: identities are managed object references, read with govc. */
async function vsphereFixture(): Promise<StoreFixture> {
  const env = await makeSimEnv();
  const { line, base } = UBUNTU;
  return {
    line,
    base,
    location: TEMPLATES,
    seed: (name) => env.sim.seedTemplate(name),
    inventory: async () => Object.fromEntries(await env.sim.inventory()),
    sealBuild: () => env.sealBuildRecord(line, base),
    cli: (args) => env.cli(args),
    spawnPromotion: (args, point) => env.spawnPromotion(args, point),
    promotionRuns: () => env.promotionRuns(line) as unknown as ReturnType<StoreFixture['promotionRuns']>,
    audit: () => env.audit(),
    // vCenter renames are atomic: nothing beside a template to check.
    consistent: async () => undefined,
  };
}

storeContract('vsphere', vsphereFixture);
