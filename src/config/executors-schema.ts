import { z } from 'zod';

/** The executors a line may run on (docs/executors.md). */
export const EXECUTOR_KINDS = ['local', 'github-actions'] as const;
export type ExecutorKind = (typeof EXECUTOR_KINDS)[number];

const executorKind = z.enum(EXECUTOR_KINDS);

/** Builds dispatched to a GitHub Actions workflow (packer/ci/github-actions/goldsmith-build.yml installed in `repository`). */
export const githubActionsExecutorSchema = z
  .object({
    /** `owner/name` of the repository whose workflow builds (it holds goldsmith.yaml and packer/). */
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'use "owner/name" of the repository that holds the workflow'),
    /** The workflow's file name under .github/workflows (or its numeric id). */
    workflow: z
      .string()
      .regex(/^([\w.-]+\.ya?ml|\d+)$/, 'give the workflow file name, for example "goldsmith-build.yml"')
      .default('goldsmith-build.yml'),
    /** The branch or tag the workflow runs from. */
    ref: z.string().min(1).default('main'),
    /** Runs in flight at once (the runner scale set's size; the seed's ARC set has at most 3 pods). */
    concurrency: z.number().int().min(1).max(100).default(3),
    /** Minutes to wait for a dispatched run to appear before the job fails. */
    appear_timeout_minutes: z.number().positive().max(60).default(5),
    /** Minutes a run may wait for a runner before goldsmith cancels it. */
    queue_timeout_minutes: z.number().positive().max(24 * 60).default(60),
    /** The largest artifact accepted, in MiB (zipped, and each file unpacked). */
    artifact_max_mb: z.number().int().min(1).max(10_240).default(512),
    /** The shortest interval between two polls of the workflow's runs, in seconds (it grows while nothing changes). */
    poll_seconds: z.number().min(0.1).max(60).default(2),
  })
  .strict();

export const executorsSchema = z
  .object({
    /** Where every line builds unless `lines` says otherwise. */
    default: executorKind.default('local'),
    /** Per line (by matrix key): where it builds. */
    lines: z.record(z.string().min(1), executorKind).default({}),
    github_actions: githubActionsExecutorSchema.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.github_actions) return;
    const users = [...(value.default === 'github-actions' ? ['default'] : []), ...Object.entries(value.lines).flatMap(([line, kind]) => (kind === 'github-actions' ? [`lines.${line}`] : []))];
    if (users.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['github_actions'],
        message: `${users.join(', ')} build on github-actions, which is not configured: add executors.github_actions with repository (owner/name) and workflow (docs/executors.md)`,
      });
    }
  });

export type ExecutorsConfig = z.infer<typeof executorsSchema>;
export type GitHubActionsExecutorConfig = z.infer<typeof githubActionsExecutorSchema>;
