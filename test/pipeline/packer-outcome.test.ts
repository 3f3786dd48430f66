import { describe, expect, it } from 'vitest';
import { readPackerOutcome } from '../../src/pipeline/read-packer-outcome.js';
import { runPackerFixture } from '../helpers/run-packer-fixture.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/write-chain.js';

describe('readPackerOutcome on real Packer output', () => {
  it('reads success, the Packer version and the artifact id', async () => {
    const ok = await runPackerFixture('null-ok');
    const outcome = await readPackerOutcome(ok.log);
    expect(outcome).toMatchObject({ succeeded: true, packerVersion: '1.6.6' });
    expect(outcome.artifacts[0]).toEqual({ build: 'null.local', id: 'Null' });
  });

  it('reads a failed provisioner as a failure with its error', async () => {
    const failed = await runPackerFixture('null-fail');
    const outcome = await readPackerOutcome(failed.log);
    expect(outcome.succeeded).toBe(false);
    expect(outcome.reason).toContain('Script exited with non-zero exit status: 3');
  });

  it('does not count a cut-short log as a success', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'cut.log'), '1795511562,,ui,say,==> null.a: Running local shell script\n');
    expect((await readPackerOutcome(join(dir, 'cut.log'))).reason).toContain('does not show a finished build');
  });
});
