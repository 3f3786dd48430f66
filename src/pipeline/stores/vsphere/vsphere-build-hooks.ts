import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { templateNamesOf } from '../template-names.js';
import type { StoreBuildHooks, StoreContext } from '../template-store.js';
import { VsphereTemplateStore } from './vsphere-template-store.js';

/**
 * The work around a vSphere build. Before Packer: make sure the templates
 * folder exists (two Packer builds creating it at once collide with
 * DuplicateName), then destroy a stale `<base>-build` left by an earlier,
 * unpromoted build: Packer 1.6 refuses to build over it, and goldsmith does
 * not pass `-force`, which would destroy it without the line lock's
 * coordination. After a successful build: the `<base>-build`'s managed
 * object reference. The govc commands go to `prepare.log` in the job's folder.
 *
 * @example
 * const hooks = vsphereBuildHooks({ config, settings });
 * await hooks.beforePacker(job, entry, jobDir);
 */
export function vsphereBuildHooks(context: Omit<StoreContext, 'log' | 'location'>): StoreBuildHooks {
  const withStore = async <T>(jobDir: string, act: (store: VsphereTemplateStore) => Promise<T>): Promise<T> => {
    const store = new VsphereTemplateStore({ ...context, log: (text) => appendFileSync(join(jobDir, 'prepare.log'), text, { mode: 0o600 }) });
    try {
      return await act(store);
    } finally {
      store.close();
    }
  };
  return {
    async beforePacker(_job, entry, jobDir) {
      const build = templateNamesOf(entry.base_name).build;
      await withStore(jobDir, async (store) => {
        await store.govc.run(['folder.create', store.location], { tolerate: /DuplicateName|already exists/i });
        const stale = await store.find(build);
        if (!stale) return store.note(`# no stale ${build} to clear`);
        store.note(`# destroying the stale, unpromoted ${build} (${stale.ref}) so Packer can build it again`);
        await store.destroy(stale.ref);
      });
    },
    packerEnv: () => ({}),
    afterPacker: async () => ({ ok: true }),
    async builtRef(entry, jobDir) {
      return withStore(jobDir, async (store) => (await store.find(templateNamesOf(entry.base_name).build))?.ref ?? null);
    },
  };
}
