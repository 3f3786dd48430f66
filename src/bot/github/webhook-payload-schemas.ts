import { z } from 'zod';

/**
 * The webhook payloads goldsmith handles, as far as it reads them: each
 * field a handler touches is required here with its type, so a delivery that
 * lacks one is refused (HTTP 400) before any handler runs, instead of failing
 * half-way. Fields goldsmith does not read are left out (zod drops them), so
 * GitHub adding or changing those never matters. Shapes follow GitHub's
 * webhook payload descriptions (@octokit/webhooks-examples).
 */

const account = z.object({ login: z.string().min(1), type: z.string().optional() });
const repository = z.object({ name: z.string().min(1), owner: z.object({ login: z.string().min(1) }) });
// Every delivery to a GitHub App names the installation; goldsmith answers as that installation.
const installation = z.object({ id: z.number().int().positive() });
const number = z.number().int().positive();
// SHA-1, or SHA-256 for repositories in that object format: it goes into API paths, so nothing else passes.
const commitSha = z.string().regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, 'expected a 40 or 64 digit hex commit SHA');

export const issueCommentCreatedSchema = z.object({
  action: z.literal('created'),
  issue: z.object({ number, html_url: z.string().min(1), pull_request: z.unknown().optional() }),
  comment: z.object({
    id: number,
    body: z.string(),
    user: account.nullable(),
    performed_via_github_app: z.object({ id: z.number() }).nullable().optional(),
  }),
  repository,
  sender: account,
  installation,
});

export const pullRequestReviewSubmittedSchema = z.object({
  action: z.literal('submitted'),
  review: z.object({ state: z.string().min(1), user: account.nullable() }),
  pull_request: z.object({ number }),
  repository,
  sender: account,
  installation,
});

export const pullRequestSynchronizeSchema = z.object({
  action: z.literal('synchronize'),
  pull_request: z.object({ number, head: z.object({ sha: commitSha }) }),
  repository,
  sender: account,
  installation,
});

/** The parts of an `issue_comment.created` payload goldsmith reads. */
export type IssueCommentPayload = z.infer<typeof issueCommentCreatedSchema>;
/** The parts of a `pull_request_review.submitted` payload goldsmith reads. */
export type PullRequestReviewPayload = z.infer<typeof pullRequestReviewSubmittedSchema>;
/** The parts of a `pull_request.synchronize` payload goldsmith reads. */
export type PullRequestPushPayload = z.infer<typeof pullRequestSynchronizeSchema>;

/** The schema of each event and action goldsmith handles, by `<X-GitHub-Event>.<action>`; other deliveries are not its concern. */
export const WEBHOOK_PAYLOAD_SCHEMAS = {
  'issue_comment.created': issueCommentCreatedSchema,
  'pull_request_review.submitted': pullRequestReviewSubmittedSchema,
  'pull_request.synchronize': pullRequestSynchronizeSchema,
} as const;

export type HandledWebhookEvent = keyof typeof WEBHOOK_PAYLOAD_SCHEMAS;
