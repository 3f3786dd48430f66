import { ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { scrubOutgoingRequests } from '../../src/bot/github/scrub-outgoing-request.js';

describe('scrubOutgoingRequests', () => {
  it('scrubs comment bodies, titles and check-run output before they leave; blob contents pass untouched', async () => {
    const sent: Array<{ url: string; body: unknown }> = [];
    const Octokit = ProbotOctokit.defaults({
      throttle: { enabled: false },
      retry: { enabled: false },
      request: {
        fetch: async (url: string, init: { body?: string }) => {
          sent.push({ url, body: init.body ? JSON.parse(init.body) : undefined });
          return new Response('{}', { status: 201, headers: { 'content-type': 'application/json' } });
        },
      },
    }).plugin(scrubOutgoingRequests(['vC3nter!Passw0rd#1']));
    const octokit = new Octokit({ auth: 'ghs_installationtoken' });
    await octokit.rest.issues.createComment({ owner: 'acme', repo: 'images', issue_number: 1, body: 'promotion failed: govc said password vC3nter!Passw0rd#1 is wrong; token xoxb-1234567890-abcdefghij' });
    await octokit.rest.checks.create({ owner: 'acme', repo: 'images', name: 'evidence', head_sha: 'a'.repeat(40), output: { title: 'x', summary: 'DATABASE_URL=postgres://app:hunter22@db/app', annotations: [{ path: 'README.md', start_line: 1, end_line: 1, annotation_level: 'failure', message: 'vC3nter!Passw0rd#1' }] } });
    await octokit.rest.git.createBlob({ owner: 'acme', repo: 'images', content: 'dkMzbnRlciFQYXNzdzByZCMx', encoding: 'base64' });
    const text = JSON.stringify(sent);
    expect(text).not.toMatch(/vC3nter|xoxb-1234567890|hunter22/);
    expect(sent[0]!.body).toEqual({ body: 'promotion failed: govc said password [REDACTED] is wrong; token [REDACTED]' });
    expect(sent[2]!.body).toEqual({ content: 'dkMzbnRlciFQYXNzdzByZCMx', encoding: 'base64' });
  });
});
