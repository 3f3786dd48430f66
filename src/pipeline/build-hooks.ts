import type { MatrixEntry } from '../config/matrix-schema.js';
import type { JobEnding } from './job-store.js';
import type { Job } from './job-types.js';

/**
 * What a target platform does around a build. `beforeBuild` runs once the
 * job is claimed and its var-file found, before Packer: throwing fails the
 * job with the error's message (say what to do). `afterBuild` runs once the
 * build has ended, whatever the ending, just before the job is marked
 * finished; it must not throw.
 */
export interface BuildHooks {
  beforeBuild(job: Job, entry: MatrixEntry, jobDir: string): Promise<void>;
  afterBuild(job: Job, ending: JobEnding, entry: MatrixEntry, jobDir: string): Promise<void>;
}

/** Hooks that do nothing: for builds without a template store. */
export const NO_BUILD_HOOKS: BuildHooks = {
  beforeBuild: async () => undefined,
  afterBuild: async () => undefined,
};
