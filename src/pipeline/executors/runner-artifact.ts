import { z } from 'zod';

/** The version tag of build.json, the build facts `goldsmith runner` writes. */
export const RUNNER_FACTS_VERSION = 'goldsmith.runner/v1';

/** The files of a runner's artifact: the only names accepted when it is unpacked centrally. */
export const RUNNER_FILES = { log: 'packer.log', facts: 'build.json', manifest: 'manifest.json', packerProvenance: 'packer-provenance.json' } as const;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const instant = z.iso.datetime();

/**
 * build.json: what `goldsmith runner` knows of the build it ran on a CI
 * runner. The sealing host trusts none of it blindly: the outcome is read
 * again from the log, and the log is scrubbed again.
 */
export const runnerFactsSchema = z
  .object({
    schema: z.literal(RUNNER_FACTS_VERSION),
    job: z.string().min(1),
    line: z.string().min(1),
    succeeded: z.boolean(),
    /** Why the build did not succeed, in the user's words; null on success. */
    reason: z.string().nullable(),
    ended_by: z.enum(['exit', 'timeout', 'cancel', 'preflight']),
    exit_code: z.number().int().nullable(),
    packer_version: z.string().nullable(),
    started_at: instant,
    finished_at: instant,
    template: z.object({ dir: z.string().nullable(), git_commit: z.string().max(80).nullable(), hcl_sha256: sha256.nullable() }).strict(),
    var_files: z.array(z.object({ path: z.string().min(1), sha256 }).strict()).max(100),
    runner: z.object({ name: z.string().nullable(), os: z.string().nullable(), arch: z.string().nullable() }).strict(),
    /** The last lines of output, scrubbed on the runner (and again centrally). */
    tail: z.array(z.string().max(2000)).max(50),
  })
  .strict();

export type RunnerFacts = z.infer<typeof runnerFactsSchema>;
