import { expect } from 'vitest';
import { checkImageDirectory, makeQemuEnv, QEMU_LINE } from '../helpers/qemu-env.js';
import { storeContract, type StoreFixture } from './contract.js';

/** The QEMU store on a temporary image directory: identities are the images' inodes, read with fs alone. */
async function qemuFixture(): Promise<StoreFixture> {
  const env = await makeQemuEnv();
  return {
    ...QEMU_LINE,
    location: env.images,
    seed: (name) => env.seedImage(name),
    inventory: async () => env.inventory(),
    sealBuild: () => env.sealBuildRecord(),
    cli: (args) => env.cli(args),
    spawnPromotion: (args, point) => env.spawnPromotion(args, point),
    promotionRuns: () => env.promotionRuns(),
    audit: () => env.audit(),
    consistent: async () => expect(checkImageDirectory(env.images)).toEqual([]),
  };
}

storeContract('qemu', qemuFixture);
