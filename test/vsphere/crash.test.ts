import { describe, expect, it } from 'vitest';
import { resumePromotions } from '../../src/pipeline/promotion/resume-promotions.js';
import { makeSimEnv, UBUNTU, type SimEnv } from '../helpers/sim-env.js';
import { Settings } from '../../src/config/settings.js';

const { line, base } = UBUNTU;

/** Every point between two steps of a promotion: after a step is journaled, and after it acted but before its result is. */
const PROMOTE_POINTS = ['check', 'destroy-prev', 'rename-base', 'rename-build', 'verify', 'seal'].flatMap((step) => [`${step}:started`, `${step}:acted`]);

/** A line with all three templates, so every step of a promotion acts. */
async function fullLine(env: SimEnv): Promise<{ prev: string; base: string; build: string }> {
  const prev = await env.sim.seedTemplate(`${base}-prev`);
  const current = await env.sim.seedTemplate(base);
  const build = await env.sim.seedTemplate(`${base}-build`);
  await env.sealBuildRecord(line, base);
  return { prev, base: current, build };
}

async function killAt(env: SimEnv, args: string[], point: string): Promise<void> {
  const run = env.spawnPromotion(args, point);
  expect(await run.paused).toBe(point);
  process.kill(run.child.pid!, 'SIGKILL');
  const killed = await run.child;
  expect(killed.signal).toBe('SIGKILL');
}

// A retry of `goldsmith promote` or `rollback` after a kill between any two steps is the store contract's
// (test/stores/contract.ts, on vcsim too); here, the other way a killed promotion is finished: the next start.
describe('a promotion killed with SIGKILL between any two steps, finished by the next start', () => {
  // After each step acted, before its result was journaled: the hardest place to pick up from.
  it.each(PROMOTE_POINTS.filter((point) => point.endsWith(':acted')))('killed at %s: resumePromotions finishes it, with one record and a clean audit', async (point) => {
    const env = await makeSimEnv();
    const before = await fullLine(env);
    await killAt(env, ['promote', line], point);

    const resumed = await resumePromotions({ config: env.config, signer: env.signer, settings: Settings.from(env.env) });
    expect(resumed.map((one) => one.outcome)).toEqual(['succeeded']);

    expect(Object.fromEntries(await env.sim.inventory())).toEqual({ [base]: before.build, [`${base}-prev`]: before.base });
    const runs = env.promotionRuns(line);
    expect(runs, 'exactly one record, even when killed after sealing').toHaveLength(1);
    expect((runs[0]!.steps as Array<{ name: string; result: string }>).map((step) => `${step.name}: ${step.result}`)).toEqual([
      'check: ok',
      `destroy ${base}-prev: ok`,
      `rename ${base} to ${base}-prev: ok`,
      `rename ${base}-build to ${base}: ok`,
      'verify: ok',
    ]);
    const audit = await env.audit();
    expect(audit.exitCode, audit.stdout).toBe(0);
    // Nothing is left to resume.
    expect(await resumePromotions({ config: env.config, signer: env.signer, settings: Settings.from(env.env) })).toEqual([]);
  });
});
