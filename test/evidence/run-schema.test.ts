import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runJsonSchema } from '../../src/evidence/run-json-schema.js';
import { runSchema } from '../../src/evidence/run-schema.js';
import { writeChain } from '../helpers/write-chain.js';

describe('run.json schema', () => {
  it('is published in docs/run.schema.json exactly as the code defines it (npm run schema)', () => {
    const published = JSON.parse(readFileSync(new URL('../../docs/run.schema.json', import.meta.url), 'utf8'));
    expect(published).toEqual(runJsonSchema());
  });

  it('accepts every record the writer seals and rejects an unknown version', async () => {
    const { records } = await writeChain({ lines: ['ubuntu-24.04'], promote: true });
    for (const record of records) {
      const run = JSON.parse(readFileSync(`${record.path}/run.json`, 'utf8'));
      expect(runSchema.safeParse(run).success).toBe(true);
      expect(runSchema.safeParse({ ...run, schema: 'goldsmith.run/v2' }).success).toBe(false);
    }
  });
});
