import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBatcher } from '../../src/pipeline/event-batcher.js';
import { jobStorePathOf, openJobStore } from '../../src/pipeline/open-job-store.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function serviceEvents(path: string): Array<{ kind: string; detail: string; at: string }> {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare<[], { kind: string; detail: string; at: string }>('SELECT kind, detail, at FROM events WHERE job_id IS NULL ORDER BY id').all();
  } finally {
    db.close();
  }
}

describe('EventBatcher', () => {
  it('writes a burst of events in one batch, each stamped when it happened, and flushes on stop', async () => {
    const env = makePipelineEnv();
    const store = openJobStore(env.config);
    cleanups.push(() => store.close());
    const path = jobStorePathOf(env.config);
    const batcher = new EventBatcher(store, 60_000);
    const before = new Date().toISOString();
    for (let index = 0; index < 100; index += 1) batcher.add(null, 'refused', `build test-ok for slack:U${index}: busy`);
    expect(serviceEvents(path)).toEqual([]);
    batcher.flush();
    const written = serviceEvents(path);
    expect(written).toHaveLength(100);
    expect(written[99]).toMatchObject({ kind: 'refused', detail: 'build test-ok for slack:U99: busy' });
    expect(written.every((event) => event.at >= before)).toBe(true);
    batcher.add(null, 'refused', 'last one');
    batcher.stop();
    expect(serviceEvents(path).at(-1)?.detail).toBe('last one');
  });

  it('keeps events it could not write for the next flush', () => {
    let failing = true;
    const written: string[] = [];
    const errors: string[] = [];
    const batcher = new EventBatcher(
      {
        addEvents: (events) => {
          if (failing) throw new Error('database is locked');
          written.push(...events.map((event) => event.detail));
        },
      },
      60_000,
      (error) => errors.push(error.message),
    );
    batcher.add(null, 'refused', 'one');
    batcher.flush();
    batcher.add(null, 'refused', 'two');
    failing = false;
    batcher.stop();
    expect(errors).toEqual(['database is locked']);
    expect(written).toEqual(['one', 'two']);
  });
});
