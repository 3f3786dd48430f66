import { describe, expect, it } from 'vitest';
import { makeSimEnv, UBUNTU } from '../helpers/sim-env.js';
import { TEMPLATES } from '../helpers/vcsim.js';

const { line, base } = UBUNTU;

describe('goldsmith rollback, on a real vcsim', () => {
  it('refuses with no <base>-prev, naming why, and touches nothing', async () => {
    const env = await makeSimEnv();
    const current = await env.sim.seedTemplate(base);
    const result = await env.cli(['rollback', line]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${line} has no ${base}-prev in ${TEMPLATES} to roll back to`);
    expect(result.stderr).toContain('nothing was changed');
    expect(Object.fromEntries(await env.sim.inventory())).toEqual({ [base]: current });
    expect(env.promotionRuns(line)).toEqual([]);
  });

  it('puts -prev back as <base>, keeps the replaced template as rolled back, names the build it restores, and can then promote again', async () => {
    const env = await makeSimEnv();
    const b1 = await env.sim.seedTemplate(`${base}-build`);
    const r1 = await env.sealBuildRecord(line, base);
    expect((await env.cli(['promote', line])).exitCode).toBe(0);
    const b2 = await env.sim.seedTemplate(`${base}-build`);
    await env.sealBuildRecord(line, base);
    expect((await env.cli(['promote', line])).exitCode).toBe(0);

    const rollback = await env.cli(['rollback', line, '--requested-by', 'carol']);
    expect(rollback.exitCode, rollback.stdout + rollback.stderr).toBe(0);
    const after = await env.sim.inventory();
    const rolledName = [...after.keys()].find((name) => name.startsWith(`${base}-rolledback-`));
    expect(rolledName).toMatch(new RegExp(`^${base}-rolledback-\\d{8}T\\d{6}Z$`));
    expect(Object.fromEntries(after)).toEqual({ [base]: b1, [rolledName!]: b2 });
    const runs = env.promotionRuns(line);
    expect(runs.map((run) => run.action)).toEqual(['promote', 'promote', 'rollback']);
    expect(runs[2]).toMatchObject({
      requested_by: { source: 'cli', user: 'carol' },
      approved_by: [{ source: 'cli', user: 'carol' }],
      build: { record: r1.record, sums_sha256: r1.sumsSha256 },
      target: { template_name: base },
    });
    expect((runs[2]!.steps as Array<{ name: string; result: string }>).map((step) => `${step.name}: ${step.result}`)).toEqual([
      'check: ok',
      `rename ${base} to ${rolledName}: ok`,
      `rename ${base}-prev to ${base}: ok`,
      'verify: ok',
    ]);

    const again = await env.cli(['rollback', line]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(`has no ${base}-prev`);

    const templates = await env.cli(['templates', line]);
    expect(templates.stdout).toMatch(new RegExp(`rolled back\\s+${rolledName}\\s+${b2}`));

    const b3 = await env.sim.seedTemplate(`${base}-build`);
    await env.sealBuildRecord(line, base);
    expect((await env.cli(['promote', line])).exitCode).toBe(0);
    expect(Object.fromEntries(await env.sim.inventory())).toEqual({ [base]: b3, [`${base}-prev`]: b1, [rolledName!]: b2 });
    const audit = await env.audit();
    expect(audit.exitCode, audit.stdout).toBe(0);
  });
});
