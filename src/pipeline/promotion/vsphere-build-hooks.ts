import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../../config/load-config.js';
import type { BuildHooks } from '../build-hooks.js';
import { findInfraBinary } from '../vsphere/find-infra-binary.js';
import { Govc } from '../vsphere/govc.js';
import { readVsphereConnection } from '../vsphere/read-vsphere-connection.js';
import { templateNamesOf } from '../vsphere/template-names.js';
import { TemplateStore } from '../vsphere/template-store.js';
import { describeHolder, PromotionStore } from './promotion-store.js';
import type { Settings } from '../../config/settings.js';

export interface VsphereBuildHooksOptions {
  config: LoadedConfig;
  settings: Settings;
  /** How long a build waits for a running promotion of its line to finish (default 10 minutes). */
  promotionWaitMs?: number;
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The build hooks of vSphere lines (other platforms pass through):
 *
 * - before Packer, the job claims the line's `<base>-build` in the promotion
 *   journal (waiting while a promotion of the line runs, failing when one was
 *   interrupted), makes sure the templates folder exists (two Packer builds
 *   creating it at once collide), then destroys a stale `<base>-build` left by an earlier,
 *   unpromoted build: Packer 1.6 refuses to build over it, and goldsmith does
 *   not pass `-force`, which would also destroy it but without the journal's
 *   coordination. The govc commands go to `prepare.log` in the job's folder.
 * - once the job ends, a success notes the template's managed object
 *   reference against its record (a promotion checks `<base>-build` is still
 *   that object); any other end forgets the claim.
 *
 * @example
 * new BuildQueue({ store, config, matrix, signer, env, hooks: vsphereBuildHooks({ config, env }) });
 */
export function vsphereBuildHooks(options: VsphereBuildHooksOptions): BuildHooks {
  const journalPath = join(options.config.state_dir, 'jobs.sqlite');
  const withTemplates = async <T>(jobDir: string, act: (store: TemplateStore, govc: Govc) => Promise<T>): Promise<T> => {
    const connection = readVsphereConnection(options.settings.govc(), options.config);
    const govc = new Govc({ connection, binary: findInfraBinary('govc', options.settings.paths), log: (text) => appendFileSync(join(jobDir, 'prepare.log'), text, { mode: 0o600 }) });
    try {
      return await act(new TemplateStore(govc, connection.folder), govc);
    } finally {
      govc.close();
    }
  };
  return {
    async beforeBuild(job, entry, jobDir) {
      if (entry.platform !== 'vsphere') return;
      // Fails early, naming the variable, before anything is claimed.
      readVsphereConnection(options.settings.govc(), options.config);
      const journal = PromotionStore.open(journalPath);
      try {
        const deadline = Date.now() + (options.promotionWaitMs ?? 10 * 60_000);
        for (;;) {
          const claim = journal.markBuilding(entry.key, job.id);
          if (claim.ok) break;
          if (claim.holder.state === 'interrupted' || journal.resumable().some((open) => open.id === claim.holder.id)) {
            throw new Error(`${describeHolder(claim.holder)}; finish it first (goldsmith ${claim.holder.action} ${entry.key}), then build again`);
          }
          if (Date.now() > deadline) throw new Error(`${describeHolder(claim.holder)}; it did not finish in time, build again once it has`);
          await sleep(options.pollMs ?? 500);
        }
      } finally {
        journal.close();
      }
      const names = templateNamesOf(entry.base_name);
      await withTemplates(jobDir, async (store, govc) => {
        // Packer creates a missing folder itself, but two builds doing so at once collide (DuplicateName).
        await govc.run(['folder.create', store.folder], { tolerate: /DuplicateName|already exists/i });
        const stale = await store.find(names.build);
        if (!stale) return govc.note(`# no stale ${names.build} to clear`);
        govc.note(`# destroying the stale, unpromoted ${names.build} (${stale.moref}) so Packer can build it again`);
        await store.destroy(stale.moref);
      });
    },
    async afterBuild(job, ending, entry, jobDir) {
      if (entry.platform !== 'vsphere') return;
      const journal = PromotionStore.open(journalPath);
      try {
        if (ending.state !== 'succeeded' || !ending.recordPath) return journal.clearBuild(entry.key, job.id);
        const moref = await withTemplates(jobDir, async (store) => (await store.find(templateNamesOf(entry.base_name).build))?.moref ?? null).catch(() => null);
        journal.markBuilt(entry.key, job.id, ending.recordPath, moref);
      } finally {
        journal.close();
      }
    },
  };
}
