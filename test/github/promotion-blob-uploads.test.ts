import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gitBlobSha } from '../../src/bot/github/git-blob-sha.js';
import { GitHubStore } from '../../src/bot/github/github-store.js';
import { EVIDENCE_CHECK } from '../../src/bot/github/run-evidence-check.js';
import type { RecordedCall } from '../fakes/github-api.js';
import { auditBranch } from './helpers/audit-branch.js';
import { OWNER, REPO, SIM_LINES, startGitHubHarness, type GitHubHarness } from './helpers/github-harness.js';

let h: GitHubHarness;
beforeAll(async () => {
  h = await startGitHubHarness();
});
afterAll(async () => h?.close());

/** The Git blob SHA of what a POST /git/blobs sent. */
const uploadedSha = (call: RecordedCall) => gitBlobSha(Buffer.from(String((call.body as { content: string }).content), 'base64'));
const blobPosts = (calls: RecordedCall[]) => calls.filter((call) => call.method === 'POST' && /\/git\/blobs$/.test(call.path));

interface Opened {
  number: number;
  branch: string;
  record: string;
  calls: RecordedCall[];
  ms: number;
}

async function openNext(line: string): Promise<Opened> {
  const build = await h.sealBuild(line, { source: 'slack', user: 'U0ALICE' });
  const before = h.github.calls.length;
  const started = performance.now();
  const opened = await h.app.openPromotionPullRequest({ record: build.record });
  const ms = performance.now() - started;
  return { number: opened.pullRequest.number, branch: opened.pullRequest.branch, record: build.record, calls: h.github.calls.slice(before), ms };
}

/** Files in a local record folder. */
const filesOf = (record: string) => readdirSync(join(h.env.config.records, record)).filter((name) => !name.startsWith('.')).length;

describe('seven promotion pull requests in a row, none merged', () => {
  const opened: Opened[] = [];

  test('each distinct blob is uploaded once; every later pull request makes the same requests, whatever is open', async () => {
    const started = performance.now();
    for (const { key } of SIM_LINES.slice(0, 7)) opened.push(await openNext(key));
    const total = performance.now() - started;
    console.log(
      `seven promotion pull requests: ${(total / 1000).toFixed(2)} s in all (sealing included); opening each: ${opened.map((pr) => `${Math.round(pr.ms)} ms`).join(', ')}; ` +
        `requests each: ${opened.map((pr) => pr.calls.length).join(', ')}; blob uploads each: ${opened.map((pr) => blobPosts(pr.calls).length).join(', ')}`,
    );

    const uploads = blobPosts(h.github.calls).map(uploadedSha);
    expect(uploads.length).toBeGreaterThan(0);
    expect(new Set(uploads).size).toBe(uploads.length);

    // Each pull request sends its own record, HEAD and its line's `latest`; the first also the init record.
    const [first, ...later] = opened;
    const init = readdirSync(join(h.env.config.records, 'init'))[0]!;
    expect(blobPosts(first!.calls)).toHaveLength(filesOf(`init/${init}`) + filesOf(first!.record) + 2);
    for (const pr of later) expect(blobPosts(pr.calls)).toHaveLength(filesOf(pr.record) + 2);
    // The same number of requests for the 2nd and the 7th: nothing grows with the pull requests already open.
    expect(new Set(later.map((pr) => pr.calls.length)).size).toBe(1);
    expect(later.flatMap((pr) => pr.calls).filter((call) => call.method === 'GET' && /\/git\/blobs\//.test(call.path))).toEqual([]);
    expect(h.github.calls.every((call) => call.status < 400)).toBe(true);

    // Every branch still carries the whole chain up to its record, and audits clean.
    for (const pr of opened) {
      expect(h.github.checkRuns.find((run) => run.name === EVIDENCE_CHECK && run.headSha === h.github.headOf(pr.branch))?.conclusion).toBe('success');
    }
    const last = await auditBranch(h.github, opened.at(-1)!.branch, h.env.signer);
    expect(last.findings).toEqual([]);
    expect(last.summary).toMatchObject({ records: 8, builds: 7 });
  });

  test('the uploaded blobs are remembered in the SQLite file, so a restart does not send them again', () => {
    const store = GitHubStore.open(join(h.env.config.state_dir, 'jobs.sqlite'));
    try {
      const uploads = blobPosts(h.github.calls).map(uploadedSha);
      expect(store.blobMemory(`${OWNER}/${REPO}`).uploaded(uploads).size).toBe(uploads.length);
      expect(store.blobMemory('someone/else').uploaded(uploads).size).toBe(0);
    } finally {
      store.close();
    }
  });

  test('a remembered blob GitHub no longer has (its branch deleted and collected) is uploaded again, not a failure', async () => {
    // The seven branches are deleted and their objects collected: every record lives only on the goldsmith host again.
    for (const pr of opened) h.github.refs.delete(`heads/${pr.branch}`);
    expect(h.github.collectGarbage()).toBeGreaterThan(0);

    const eighth = await openNext('sim-h');
    const trees = eighth.calls.filter((call) => call.method === 'POST' && /\/git\/trees$/.test(call.path));
    expect(trees.map((call) => call.status)).toEqual([422, 201]);
    // Init and all eight build records reach the new branch, with HEAD and eight `latest` links, though GitHub had lost them.
    const init = readdirSync(join(h.env.config.records, 'init'))[0]!;
    const records = [`init/${init}`, ...opened.map((pr) => pr.record), eighth.record];
    const files = [...h.github.files(eighth.branch).keys()].filter((path) => path.startsWith('records/'));
    expect(files).toHaveLength(records.reduce((sum, record) => sum + filesOf(record), 0) + 1 + 8);
    expect(blobPosts(eighth.calls)).toHaveLength(files.length);
    expect(h.github.checkRuns.find((run) => run.headSha === h.github.headOf(eighth.branch))?.conclusion).toBe('success');
    const merged = await auditBranch(h.github, eighth.branch, h.env.signer);
    expect(merged.findings).toEqual([]);
  });
});
