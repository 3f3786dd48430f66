import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSimEnv, UBUNTU } from '../helpers/sim-env.js';
import { TEMPLATES } from '../helpers/vcsim.js';

const { line, base } = UBUNTU;

describe('goldsmith promote --dry-run and rollback --dry-run, on a real vcsim', () => {
  it('print the check and every step with the template it would act on, exit 0, and change nothing', async () => {
    const env = await makeSimEnv();
    const prev = await env.sim.seedTemplate(`${base}-prev`);
    const current = await env.sim.seedTemplate(base);
    const build = await env.sim.seedTemplate(`${base}-build`);
    const record = await env.sealBuildRecord(line, base);
    const before = Object.fromEntries(await env.sim.inventory());

    const promote = await env.cli(['promote', line, '--dry-run']);
    expect(promote.exitCode, promote.stderr).toBe(0);
    expect(promote.stdout).toContain(`dry run: promote ${line} (${base} in the vSphere templates folder ${TEMPLATES}); nothing was changed`);
    expect(promote.stdout).toContain(`check: ${base}-build is ${build}, a template`);
    expect(promote.stdout).toContain(`step 1: destroy ${base}-prev (${prev})`);
    expect(promote.stdout).toContain(`step 2: rename ${base} to ${base}-prev (${current})`);
    expect(promote.stdout).toContain(`step 3: rename ${base}-build to ${base} (${build})`);
    expect(promote.stdout).toContain(`step 4: verify ${base}`);
    expect(promote.stdout).toContain(`then: seal a promotion record naming ${record.record} (SHA256SUMS SHA-256 ${record.sumsSha256})`);

    const rollback = await env.cli(['rollback', line, '--dry-run']);
    expect(rollback.exitCode, rollback.stderr).toBe(0);
    expect(rollback.stdout).toMatch(new RegExp(`step 1: rename ${base} to ${base}-rolledback-\\d{8}T\\d{6}Z \\(${current}\\)`));
    expect(rollback.stdout).toContain(`step 2: rename ${base}-prev to ${base} (${prev})`);

    expect(Object.fromEntries(await env.sim.inventory())).toEqual(before);
    expect(env.promotionRuns(line)).toEqual([]);
    expect(existsSync(join(env.config.state_dir, 'promotions')), 'no promote.log was started').toBe(false);
    // Nothing was journaled either: the real promotion is the first.
    const real = await env.cli(['promote', line]);
    expect(real.exitCode, real.stderr).toBe(0);
    expect(real.stdout).toContain(`promote ${line} (promotion 1,`);
  });

  it('says what the check would refuse, exits 1, and still changes nothing', async () => {
    const env = await makeSimEnv();
    const current = await env.sim.seedTemplate(base);
    await env.sealBuildRecord(line, base);
    const result = await env.cli(['promote', line, '--dry-run']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`check: refused: there is no ${base}-build in ${TEMPLATES} to promote: build the line first (goldsmith build ${line} --wait); nothing was changed`);
    expect(Object.fromEntries(await env.sim.inventory())).toEqual({ [base]: current });
  });
});
