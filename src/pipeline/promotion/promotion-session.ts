import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../../config/load-config.js';
import type { RecordSigner } from '../../evidence/write-record.js';
import { findInfraBinary } from '../vsphere/find-infra-binary.js';
import { Govc } from '../vsphere/govc.js';
import { readVsphereConnection, type VsphereConnection } from '../vsphere/read-vsphere-connection.js';
import { TemplateStore } from '../vsphere/template-store.js';
import { PromotionStore } from './promotion-store.js';
import type { JournalStep, Promotion } from './promotion-types.js';
import type { Settings } from '../../config/settings.js';

/** Where the step engine reports progress: each step as it starts and ends. */
export type PromotionProgress = (promotion: Promotion, step: JournalStep) => void;

/** Everything a promotion or rollback runs with: the journal, govc, the templates folder, promote.log. */
export interface PromotionSession {
  config: LoadedConfig;
  settings: Settings;
  signer: RecordSigner;
  connection: VsphereConnection;
  govc: Govc;
  templates: TemplateStore;
  journal: PromotionStore;
  onProgress: PromotionProgress | undefined;
  /** Sends govc's command log (and notes) to this promotion's promote.log from now on. */
  logTo(promotion: Promotion): string;
  close(): void;
}

export interface OpenSessionOptions {
  config: LoadedConfig;
  settings: Settings;
  signer: RecordSigner;
  onProgress?: PromotionProgress | undefined;
}

/** The folder holding one promotion's promote.log while it runs. */
export function promotionDirOf(config: LoadedConfig, id: number): string {
  return join(config.state_dir, 'promotions', String(id));
}

/**
 * Opens what promotions run with. Throws, naming the variable to set, when
 * the vSphere connection is not configured.
 *
 * @example
 * const session = openPromotionSession({ config, settings, signer });
 * try { ... } finally { session.close(); }
 */
export function openPromotionSession(options: OpenSessionOptions): PromotionSession {
  const connection = readVsphereConnection(options.settings.govc(), options.config);
  let logPath: string | undefined;
  const govc = new Govc({
    connection,
    binary: findInfraBinary('govc', options.settings.paths),
    log: (text) => {
      if (logPath) appendFileSync(logPath, text, { mode: 0o600 });
    },
  });
  const journal = PromotionStore.open(join(options.config.state_dir, 'jobs.sqlite'));
  return {
    ...options,
    onProgress: options.onProgress,
    connection,
    govc,
    templates: new TemplateStore(govc, connection.folder),
    journal,
    logTo(promotion) {
      const dir = promotionDirOf(options.config, promotion.id);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      logPath = join(dir, 'promote.log');
      journal.setLogPath(promotion.id, logPath);
      return logPath;
    },
    close() {
      govc.close();
      journal.close();
    },
  };
}
