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

describe('a promotion killed with SIGKILL between any two steps', () => {
  it.each(PROMOTE_POINTS.map((point, index) => [point, index % 2 === 0 ? 'a retry of goldsmith promote' : 'the next start (resumePromotions)'] as const))(
    'killed at %s: %s finishes it, with one record and a clean audit',
    async (point, how) => {
      const env = await makeSimEnv();
      const before = await fullLine(env);
      await killAt(env, ['promote', line], point);

      if (how === 'a retry of goldsmith promote') {
        const retry = await env.cli(['promote', line]);
        expect(retry.exitCode, retry.stdout + retry.stderr).toBe(0);
        expect(retry.stdout).toContain(`resumed promotion 1: finished promote of ${line}: sealed promotions/${line}/`);
      } else {
        const resumed = await resumePromotions({ config: env.config, signer: env.signer, settings: Settings.from(env.env) });
        expect(resumed.map((one) => one.outcome)).toEqual(['succeeded']);
      }

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
    },
  );

  it.each(['set-aside-base:acted', 'restore-prev:started'])('a rollback killed at %s is finished by a retry of goldsmith rollback', async (point) => {
    const env = await makeSimEnv();
    const prev = await env.sim.seedTemplate(`${base}-prev`);
    const current = await env.sim.seedTemplate(base);
    await killAt(env, ['rollback', line], point);
    const retry = await env.cli(['rollback', line]);
    expect(retry.exitCode, retry.stdout + retry.stderr).toBe(0);
    const after = await env.sim.inventory();
    expect(after.get(base)).toBe(prev);
    expect(after.has(`${base}-prev`)).toBe(false);
    const [rolledBack] = [...after.entries()].filter(([name]) => name.startsWith(`${base}-rolledback-`));
    expect(rolledBack?.[1]).toBe(current);
    expect(env.promotionRuns(line).map((run) => run.action)).toEqual(['rollback']);
    expect((await env.audit()).exitCode).toBe(0);
  });
});
