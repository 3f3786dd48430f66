import { z } from 'zod';

/**
 * The parts of GitHub's Actions API answers the executor reads (the REST
 * API's workflow-run, job and artifact objects), checked before use: an
 * answer of another shape (a proxy's page, a changed API) fails the poll
 * with the field named, never a crash deep in the executor.
 */
export const workflowRunSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().nullable().optional(),
  display_title: z.string().optional(),
  status: z.string().nullable(),
  conclusion: z.string().nullable(),
  run_attempt: z.number().int().positive().optional(),
  html_url: z.string().url(),
  head_sha: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  run_started_at: z.string().optional(),
});

export const workflowRunsSchema = z.object({ total_count: z.number().int(), workflow_runs: z.array(workflowRunSchema) });

const stepSchema = z.object({
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullable(),
  number: z.number().int(),
});

export const runJobsSchema = z.object({
  total_count: z.number().int(),
  jobs: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      status: z.string(),
      conclusion: z.string().nullable(),
      runner_name: z.string().nullable(),
      labels: z.array(z.string()),
      steps: z.array(stepSchema).optional(),
    }),
  ),
});

export const artifactsSchema = z.object({
  total_count: z.number().int(),
  artifacts: z.array(
    z.object({
      id: z.number().int().positive(),
      name: z.string(),
      size_in_bytes: z.number().int().nonnegative(),
      expired: z.boolean(),
    }),
  ),
});

export const dispatchResponseSchema = z.object({
  workflow_run_id: z.number().int().positive(),
  run_url: z.string().url(),
  html_url: z.string().url(),
});

export type WorkflowRun = z.infer<typeof workflowRunSchema>;
export type RunJobs = z.infer<typeof runJobsSchema>;

/**
 * Parses an API answer with its schema, or throws naming what GitHub sent
 * that goldsmith cannot read.
 *
 * @example
 * const run = parseAnswer(workflowRunSchema, data, 'GET /actions/runs/42');
 */
export function parseAnswer<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`GitHub's answer to ${what} is not what goldsmith reads (${issue.path.join('.') || 'the body'}: ${issue.message}); is GITHUB_API_URL the REST API base?`);
}
