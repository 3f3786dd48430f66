import type { MatrixEntry } from '../config/matrix-schema.js';
import type { BuildDetails } from '../evidence/run-schema.js';
import type { JobEnding } from './job-store.js';
import type { Job } from './job-types.js';

/**
 * What a step after Packer decided: the build goes on to be sealed (with
 * facts merged into run.json's build details, such as the image it made or
 * the checks it passed), or it fails, with the reason the user sees (name
 * the check, say what to do); then no record is sealed.
 */
export type AfterPackerResult = { ok: true; facts?: Partial<BuildDetails> | undefined; /** A sha256sum-format file naming the image, sealed into the record as image.sha256. */ imageSums?: string | undefined } | { ok: false; reason: string };

/**
 * What a target platform does around a build. `beforeBuild` runs once the
 * job is claimed and its var-file found, before Packer: throwing fails the
 * job with the error's message (say what to do). `packerEnv` adds to
 * Packer's environment. `afterPacker` runs once Packer succeeded, before
 * the record is sealed, and may fail the build. `afterBuild` runs once the
 * build has ended, whatever the ending, just before the job is marked
 * finished; it must not throw.
 */
export interface BuildHooks {
  beforeBuild(job: Job, entry: MatrixEntry, jobDir: string): Promise<void>;
  packerEnv?(job: Job, entry: MatrixEntry, jobDir: string): Record<string, string>;
  afterPacker?(job: Job, entry: MatrixEntry, jobDir: string): Promise<AfterPackerResult>;
  /** The stage the job shows while `afterPacker` runs, when it is long enough to name (an image checklist). */
  afterPackerStage?(entry: MatrixEntry): string | undefined;
  afterBuild(job: Job, ending: JobEnding, entry: MatrixEntry, jobDir: string): Promise<void>;
}

/** Hooks that do nothing: for builds without a template store. */
export const NO_BUILD_HOOKS: BuildHooks = {
  beforeBuild: async () => undefined,
  afterBuild: async () => undefined,
};
