import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../../config/load-config.js';
import type { Settings } from '../../config/settings.js';
import type { RecordSigner } from '../../evidence/write-record.js';
import { openTemplateStore } from '../stores/registry.js';
import type { TemplateStore } from '../stores/template-store.js';
import { PromotionStore } from './promotion-store.js';
import type { JournalStep, Promotion } from './promotion-types.js';

/** Where the step engine reports progress: each step as it starts and ends. */
export type PromotionProgress = (promotion: Promotion, step: JournalStep) => void;

/**
 * A test seam, injected (never read from the environment): awaited at every
 * point between two steps, `<step>:started` once the step is journaled and
 * `<step>:acted` once it acted but before its result is journaled. Crash
 * tests pass one that waits, so they can `kill -9` the process exactly there
 * (test/helpers/promotion-launcher.mjs). Production passes none.
 *
 * @example
 * const stepHook: PromotionStepHook = async (point) => { if (point === 'rename-build:acted') await pause(); };
 */
export type PromotionStepHook = (point: string, promotion: Promotion) => Promise<void>;

/** Everything a promotion or rollback runs with: the journal, the line's template store, promote.log. */
export interface PromotionSession {
  config: LoadedConfig;
  settings: Settings;
  signer: RecordSigner;
  store: TemplateStore;
  journal: PromotionStore;
  onProgress: PromotionProgress | undefined;
  stepHook: PromotionStepHook | undefined;
  /** Sends the store's command log (and notes) to this promotion's promote.log from now on. */
  logTo(promotion: Promotion): string;
  close(): void;
}

export interface OpenSessionOptions {
  config: LoadedConfig;
  settings: Settings;
  signer: RecordSigner;
  /** The platform of the line: which template store from the registry. */
  platform: string;
  /** Where the store works (a resumed promotion: where it started); default: the configured location. */
  location?: string | undefined;
  onProgress?: PromotionProgress | undefined;
  stepHook?: PromotionStepHook | undefined;
}

/** The folder holding one promotion's promote.log while it runs. */
export function promotionDirOf(config: LoadedConfig, id: number): string {
  return join(config.state_dir, 'promotions', String(id));
}

/**
 * Opens what promotions run with: the journal, and the template store of
 * the line's platform. Throws, naming the setting to fix, when the store is
 * not configured.
 *
 * @example
 * const session = openPromotionSession({ config, settings, signer, platform: entry.platform });
 * try { ... } finally { session.close(); }
 */
export function openPromotionSession(options: OpenSessionOptions): PromotionSession {
  let logPath: string | undefined;
  const store = openTemplateStore(options.platform, {
    config: options.config,
    settings: options.settings,
    location: options.location,
    log: (text) => {
      if (logPath) appendFileSync(logPath, text, { mode: 0o600 });
    },
  });
  let journal: PromotionStore;
  try {
    journal = PromotionStore.open(join(options.config.state_dir, 'jobs.sqlite'));
  } catch (error) {
    store.close();
    throw error;
  }
  return {
    config: options.config,
    settings: options.settings,
    signer: options.signer,
    onProgress: options.onProgress,
    stepHook: options.stepHook,
    store,
    journal,
    logTo(promotion) {
      const dir = promotionDirOf(options.config, promotion.id);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      logPath = join(dir, 'promote.log');
      journal.setLogPath(promotion.id, logPath);
      return logPath;
    },
    close() {
      store.close();
      journal.close();
    },
  };
}
