import { join } from 'node:path';
import type { LoadedConfig } from '../../config/load-config.js';
import type { MatrixEntry } from '../../config/matrix-schema.js';
import type { Settings } from '../../config/settings.js';
import type { BuildHooks } from '../build-hooks.js';
import { templatePlatformOf } from '../stores/registry.js';
import type { StoreBuildHooks } from '../stores/template-store.js';
import { PromotionStore } from './promotion-store.js';

export interface LineBuildHooksOptions {
  config: LoadedConfig;
  settings: Settings;
  /** The store hooks of a platform (default: its plug-in's, from the registry); undefined = no store. */
  storeHooksOf?: (platform: string) => StoreBuildHooks | undefined;
}

/**
 * The build hooks of every line, chosen by its platform through the store
 * registry (lines without a store, such as `local`, pass through):
 *
 * - before Packer, the journal notes that the job is replacing the line's
 *   `<base>-build`, then the store clears a stale one. The line lock, taken
 *   when the job was queued, keeps promotions of the line away meanwhile.
 * - Packer gets the store's extra environment; after it succeeded the
 *   store's after-Packer step runs (and may fail the build).
 * - once the job ends, a success notes the `<base>-build`'s reference against
 *   its record (a promotion checks `<base>-build` is still that one); any
 *   other end forgets it.
 *
 * @example
 * new BuildQueue({ store, config, matrix, signer, settings, hooks: lineBuildHooks({ config, settings }) });
 */
export function lineBuildHooks(options: LineBuildHooksOptions): BuildHooks {
  const journalPath = join(options.config.state_dir, 'jobs.sqlite');
  const cache = new Map<string, StoreBuildHooks | undefined>();
  const storeHooksOf =
    options.storeHooksOf ??
    ((platform: string) => {
      if (!cache.has(platform)) cache.set(platform, templatePlatformOf(platform)?.buildHooks({ config: options.config, settings: options.settings }));
      return cache.get(platform);
    });
  const withJournal = <T>(act: (journal: PromotionStore) => T): T => {
    const journal = PromotionStore.open(journalPath);
    try {
      return act(journal);
    } finally {
      journal.close();
    }
  };
  const hooksOf = (entry: MatrixEntry) => storeHooksOf(entry.platform);
  return {
    async beforeBuild(job, entry, jobDir) {
      const hooks = hooksOf(entry);
      if (!hooks) return;
      withJournal((journal) => journal.noteBuilding(entry.key, job.id));
      await hooks.beforePacker(job, entry, jobDir);
    },
    packerEnv: (job, entry, jobDir) => hooksOf(entry)?.packerEnv(job, entry, jobDir) ?? {},
    afterPacker: async (job, entry, jobDir) => (await hooksOf(entry)?.afterPacker(job, entry, jobDir)) ?? { ok: true },
    afterPackerStage: (entry) => hooksOf(entry)?.afterPackerStage,
    async afterBuild(job, ending, entry, jobDir) {
      const hooks = hooksOf(entry);
      if (!hooks) return;
      if (ending.state !== 'succeeded' || !ending.recordPath) return withJournal((journal) => journal.clearBuild(entry.key, job.id));
      const ref = await hooks.builtRef(entry, jobDir).catch(() => null);
      withJournal((journal) => journal.markBuilt(entry.key, job.id, ending.recordPath!, ref));
    },
  };
}
