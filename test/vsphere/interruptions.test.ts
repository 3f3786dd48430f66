import { describe, expect, it } from 'vitest';
import { makeSimEnv, UBUNTU, type SimEnv } from '../helpers/sim-env.js';

const { line, base } = UBUNTU;

async function fullLine(env: SimEnv): Promise<{ prev: string; base: string; build: string }> {
  const prev = await env.sim.seedTemplate(`${base}-prev`);
  const current = await env.sim.seedTemplate(base);
  const build = await env.sim.seedTemplate(`${base}-build`);
  await env.sealBuildRecord(line, base);
  return { prev, base: current, build };
}

describe('promotions when vCenter stops answering, or something else holds the line', () => {
  it('vcsim stopped mid-promotion: a clear error naming the retry; the retry completes', async () => {
    const env = await makeSimEnv({ govcTimeoutSeconds: 2 });
    const before = await fullLine(env);
    const run = env.spawnPromotion(['promote', line], 'rename-build:started');
    await run.paused;
    env.sim.pause();
    process.kill(run.child.pid!, 'SIGUSR2');
    const stopped = await run.child;
    env.sim.resume();
    expect(stopped.exitCode).toBe(1);
    expect(run.output()).toContain(`promote of ${line} (promotion 1) stopped at step "rename ${base}-build to ${base}"`);
    expect(run.output()).toContain(`did not answer within 2 s: check that vCenter ${env.sim.server} is up and reachable (GOVC_URL), then retry`);
    expect(run.output()).toContain(`Run "goldsmith promote ${line}" again to finish it`);
    // Half-way: the old <base> is already -prev. The retry must finish, not start over.
    expect(Object.fromEntries(await env.sim.inventory())).toEqual({ [`${base}-prev`]: before.base, [`${base}-build`]: before.build });

    const retry = await env.cli(['promote', line]);
    expect(retry.exitCode, retry.stdout + retry.stderr).toBe(0);
    expect(retry.stdout).toContain('resumed promotion 1');
    expect(Object.fromEntries(await env.sim.inventory())).toEqual({ [base]: before.build, [`${base}-prev`]: before.base });
    expect(env.promotionRuns(line)).toHaveLength(1);
    expect((await env.audit()).exitCode).toBe(0);
    expect(env.everything() + run.output() + retry.stdout).not.toContain(env.sim.password);
  });

  it('vcsim not answering from the start: nothing changes, and the retry promotes', async () => {
    const env = await makeSimEnv({ govcTimeoutSeconds: 1 });
    const before = await fullLine(env);
    env.sim.pause();
    const failed = await env.cli(['promote', line]);
    env.sim.resume();
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('stopped before anything changed');
    expect(Object.fromEntries(await env.sim.inventory())).toEqual({ [`${base}-prev`]: before.prev, [base]: before.base, [`${base}-build`]: before.build });
    const retry = await env.cli(['promote', line]);
    expect(retry.exitCode, retry.stderr).toBe(0);
    expect(Object.fromEntries(await env.sim.inventory())).toEqual({ [base]: before.build, [`${base}-prev`]: before.base });
  });

  it('two promotions of one line at once: the second is refused, saying who holds the line and since when', async () => {
    const env = await makeSimEnv();
    const before = await fullLine(env);
    const first = env.spawnPromotion(['promote', line, '--requested-by', 'alice'], 'rename-base:acted');
    await first.paused;
    const second = await env.cli(['promote', line, '--requested-by', 'bob']);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`${line} is busy: promotion 1 \\(promote of ${line}\\) was requested by cli:alice and has held the line since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(process ${first.child.pid} on `),
    );
    const rollback = await env.cli(['rollback', line]);
    expect(rollback.exitCode).toBe(1);
    expect(rollback.stderr).toContain(`${line} is busy: promotion 1`);
    process.kill(first.child.pid!, 'SIGUSR2');
    const done = await first.child;
    expect(done.exitCode, first.output()).toBe(0);
    expect(Object.fromEntries(await env.sim.inventory())).toEqual({ [base]: before.build, [`${base}-prev`]: before.base });
    expect(env.promotionRuns(line).map((run) => run.requested_by)).toEqual([{ source: 'cli', user: 'alice' }]);
  });

  it('a <base>-build destroyed by someone else mid-promotion: the previous templates are put back, and no record is sealed', async () => {
    const env = await makeSimEnv();
    const before = await fullLine(env);
    const run = env.spawnPromotion(['promote', line], 'rename-build:started');
    await run.paused;
    expect((await env.sim.govc(['vm.destroy', `/DC0/vm/Templates/${base}-build`])).exitCode).toBe(0);
    process.kill(run.child.pid!, 'SIGUSR2');
    const result = await run.child;
    expect(result.exitCode).toBe(1);
    expect(run.output()).toContain(`${base}-build (${before.build}) disappeared during the promote`);
    expect(run.output()).toContain(`goldsmith put the previous templates back (the old ${base}-prev was already destroyed and cannot come back); no record was sealed`);
    expect(Object.fromEntries(await env.sim.inventory())).toEqual({ [base]: before.base });
    expect(env.promotionRuns(line)).toEqual([]);
    // The line is free again: the next promotion is judged on its own (and refused: nothing to promote).
    const next = await env.cli(['promote', line]);
    expect(next.exitCode).toBe(1);
    expect(next.stderr).toContain(`there is no ${base}-build`);
  });
});
