import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSimEnv, UBUNTU } from '../helpers/sim-env.js';

const { line, base } = UBUNTU;

describe('vSphere builds through the job queue, with real Packer on a real vcsim', () => {
  it('a rebuild replaces an unpromoted <base>-build (no -force), and a -build replaced outside goldsmith is not promoted', async () => {
    const env = await makeSimEnv();
    await env.seedForBuilds();
    const first = await env.cli(['build', line, '--wait']);
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    const built1 = (await env.sim.inventory()).get(`${base}-build`);

    const second = await env.cli(['build', line, '--wait']);
    expect(second.exitCode, second.stdout + second.stderr).toBe(0);
    const after = await env.sim.inventory();
    expect([...after.keys()]).toEqual([`${base}-build`]);
    expect(after.get(`${base}-build`)).not.toBe(built1);
    const jobDir = join(env.config.state_dir, 'jobs', '2');
    expect(readFileSync(join(jobDir, 'prepare.log'), 'utf8')).toContain(`# destroying the stale, unpromoted ${base}-build (${built1})`);

    // Someone swaps the template behind goldsmith's back: the promotion must not attribute it to the record.
    expect((await env.sim.govc(['vm.destroy', `/DC0/vm/Templates/${base}-build`])).exitCode).toBe(0);
    const impostor = await env.sim.seedTemplate(`${base}-build`);
    const refused = await env.cli(['promote', line]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`is ${impostor}, but job 2 built ${after.get(`${base}-build`)}`);
    expect(refused.stderr).toContain('it was replaced outside goldsmith');
    expect(env.everything()).not.toContain(env.sim.password);
  });

  it('a build of a line is refused while a promotion of that line holds it (who, since when, why, how to release), and builds once it is done', async () => {
    const env = await makeSimEnv();
    await env.seedForBuilds();
    const built = await env.cli(['build', line, '--wait']);
    expect(built.exitCode, built.stderr).toBe(0);
    const promoted = (await env.sim.inventory()).get(`${base}-build`);
    const promotion = env.spawnPromotion(['promote', line, '--requested-by', 'alice'], 'rename-build:started');
    await promotion.paused;
    const refused = await env.cli(['build', line, '--wait']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(
      new RegExp(
        `not queued: ${line} is busy: promotion 1 \\(promote of ${line}\\) was requested by cli:alice and has held the line since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ` +
          `\\(process ${promotion.child.pid} on \\S+\\); to release it: it frees the line when it ends; if it was interrupted or its process died, "goldsmith promote ${line}"`,
      ),
    );
    // Still the template being promoted: the refused build touched nothing.
    expect((await env.sim.inventory()).get(`${base}-build`)).toBe(promoted);
    process.kill(promotion.child.pid!, 'SIGUSR2');
    expect((await promotion.child).exitCode, promotion.output()).toBe(0);
    const rebuilt = await env.cli(['build', line, '--wait']);
    expect(rebuilt.exitCode, rebuilt.stdout + rebuilt.stderr).toBe(0);
    const after = await env.sim.inventory();
    expect(after.get(base)).toBe(promoted);
    expect(after.get(`${base}-build`)).toMatch(/^VirtualMachine:vm-\d+$/);
    expect(after.get(`${base}-build`)).not.toBe(promoted);
    expect((await env.audit()).exitCode).toBe(0);
  });
});
