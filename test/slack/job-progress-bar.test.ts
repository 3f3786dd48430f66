import { describe, expect, it } from 'vitest';
import { renderJobMessage } from '../../src/bot/slack/render-job-message.js';
import { formatProgressBar } from '../../src/pipeline/format-job.js';
import type { Job } from '../../src/pipeline/job-types.js';
import { openJobStore } from '../../src/pipeline/open-job-store.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';

describe('the progress bar', () => {
  it('shows elapsed against the usual time, never 100% while running, and says when there is no usual time yet', () => {
    expect(formatProgressBar(6 * 60_000, 12 * 60_000)).toBe('█████░░░░░ 50% of the usual 12:00');
    expect(formatProgressBar(15 * 60_000, 12 * 60_000)).toBe('█████████░ 99% of the usual 12:00, 3:00 over');
    expect(formatProgressBar(60_000, undefined)).toBe('first build: no usual time yet');
  });

  it('the usual time is the median of the line\'s last successful builds; the Slack message of a running job shows the bar', () => {
    const env = makePipelineEnv();
    const store = openJobStore(env.config);
    try {
      expect(store.typicalDurationMs('test-ok')).toBeUndefined();
      // Three builds of 60, 120 and 600 seconds: the median is 120 s whatever the outlier.
      for (const seconds of [60, 120, 600]) {
        const queued = store.request('test-ok', { source: 'cli', user: 'alice' });
        if (!queued.ok) throw new Error(queued.message);
        store.claimNext(2);
        store.finish(queued.job.id, { state: 'succeeded', reason: null });
        const started = new Date(Date.now() - seconds * 1000).toISOString();
        (store as unknown as { db: { prepare(sql: string): { run(...args: unknown[]): void } } }).db.prepare('UPDATE jobs SET started_at = ?, finished_at = ? WHERE id = ?').run(started, new Date().toISOString(), queued.job.id);
      }
      expect(Math.round(store.typicalDurationMs('test-ok')! / 1000)).toBe(120);

      const now = new Date();
      const running: Job = { ...store.get(1)!, id: 9, state: 'running', stage: 'provisioning', startedAt: new Date(now.getTime() - 30_000).toISOString(), finishedAt: null };
      const { blocks } = renderJobMessage(running, { entry: undefined, now, typicalMs: 120_000, lastLine: '    null.image: installing packages' });
      const text = JSON.stringify(blocks);
      expect(text).toContain('*Progress*\\n`██░░░░░░░░ 25% of the usual 2:00`');
      expect(text).toContain('null.image: installing packages');
      const first = JSON.stringify(renderJobMessage({ ...running, line: 'test-fail' }, { entry: undefined, now, typicalMs: undefined }).blocks);
      expect(first).toContain('first build: no usual time yet');
    } finally {
      store.close();
    }
  });
});
