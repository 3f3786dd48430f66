import { join } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import { JobStore } from './job-store.js';

/** The job store of this configuration: `<state_dir>/jobs.sqlite`. */
export function openJobStore(config: LoadedConfig): JobStore {
  return JobStore.open(join(config.state_dir, 'jobs.sqlite'));
}
