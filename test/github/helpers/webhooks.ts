import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Account, FakeGitHub } from '../../fakes/github-api.js';

// The package is a JSON file: required, so it loads the same under vitest and plain Node.
const webhookExamples = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

/** X-Hub-Signature-256 as GitHub computes it: HMAC-SHA256 of the raw body with the webhook secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function example(name: string, action: string): Record<string, any> {
  const definition = webhookExamples.find((candidate) => candidate.name === name);
  const found = definition?.examples.find((candidate: any) => candidate.action === action && candidate.installation);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${name}.${action} example with an installation`);
  return structuredClone(found) as Record<string, any>;
}

function retarget(payload: Record<string, any>, github: FakeGitHub, sender: Account): Record<string, any> {
  Object.assign(payload.repository, { name: github.repo, full_name: `${github.owner}/${github.repo}` });
  Object.assign(payload.repository.owner, { login: github.owner, type: 'Organization' });
  payload.installation = { ...payload.installation, id: github.installationId };
  payload.sender = { ...payload.sender, login: sender.login, id: sender.id, type: sender.type };
  return payload;
}

/** `issue_comment.created` for a comment the fake holds, on a pull request (or, with `onIssue`, a plain issue). */
export function commentCreated(github: FakeGitHub, comment: { id: number; issueNumber: number; body: string; user: Account }, options: { onIssue?: boolean } = {}): Record<string, any> {
  const payload = retarget(example('issue_comment', 'created'), github, comment.user);
  const html = `https://github.invalid/${github.owner}/${github.repo}/pull/${comment.issueNumber}`;
  Object.assign(payload.issue, { number: comment.issueNumber, html_url: html, state: 'open' });
  if (options.onIssue) delete payload.issue.pull_request;
  else payload.issue.pull_request = { url: `${github.url}/repos/${github.owner}/${github.repo}/pulls/${comment.issueNumber}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, merged_at: null };
  Object.assign(payload.comment, { id: comment.id, body: comment.body, user: { ...payload.comment.user, login: comment.user.login, id: comment.user.id, type: comment.user.type }, performed_via_github_app: null });
  return payload;
}

/** `pull_request_review.submitted` with state `approved`, by `reviewer`. */
export function reviewApproved(github: FakeGitHub, number: number, reviewer: Account): Record<string, any> {
  const payload = retarget(example('pull_request_review', 'submitted'), github, reviewer);
  Object.assign(payload.review, { state: 'approved', user: { ...payload.review.user, login: reviewer.login, id: reviewer.id, type: reviewer.type } });
  Object.assign(payload.pull_request, { number });
  return payload;
}

/** `pull_request.synchronize`: `pusher` pushed `headSha` to pull request `number`. */
export function pullRequestSynchronized(github: FakeGitHub, number: number, headSha: string, pusher: Account): Record<string, any> {
  const payload = retarget(example('pull_request', 'synchronize'), github, pusher);
  payload.number = number;
  payload.after = headSha;
  Object.assign(payload.pull_request, { number });
  Object.assign(payload.pull_request.head, { sha: headSha });
  return payload;
}

export interface Delivered {
  status: number;
  text: string;
  id: string;
}

/**
 * POSTs a webhook as GitHub does: JSON body, X-GitHub-Event,
 * X-GitHub-Delivery and X-Hub-Signature-256 (signed with `secret`, or the
 * given `signature`, or none when it is null).
 *
 * @example
 * const delivered = await deliverWebhook(url, 'issue_comment', payload, { secret });
 */
export async function deliverWebhook(
  url: string,
  event: string,
  payload: unknown,
  options: { secret: string; id?: string; signature?: string | null },
): Promise<Delivered> {
  const body = JSON.stringify(payload);
  const id = options.id ?? randomUUID();
  const signature = options.signature === undefined ? signBody(options.secret, body) : options.signature;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/044aadd',
      'x-github-event': event,
      'x-github-delivery': id,
      'x-github-hook-id': '292430182',
      'x-github-hook-installation-target-type': 'integration',
      ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
    },
    body,
  });
  return { status: response.status, text: await response.text(), id };
}
