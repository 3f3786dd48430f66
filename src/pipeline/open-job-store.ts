import { join } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import { JobStore } from './job-store.js';

/** The job store's SQLite file, `<state_dir>/jobs.sqlite`, which other stores (schedule, Slack messages) share. */
export function jobStorePathOf(config: LoadedConfig): string {
  return join(config.state_dir, 'jobs.sqlite');
}

/** The job store of this configuration: `<state_dir>/jobs.sqlite`. */
export function openJobStore(config: LoadedConfig): JobStore {
  return JobStore.open(jobStorePathOf(config));
}
