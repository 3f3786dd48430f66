import { describe, expect, it } from 'vitest';
import type { WrittenRecord } from '../../src/evidence/write-record.js';
import type { CliResult } from '../helpers/run-cli.js';
import type { SpawnedPromotion } from '../helpers/spawn-promotion.js';

/**
 * One store under test: a goldsmith working folder whose matrix has one
 * line on the store's platform, and ways to look at the store that do not
 * go through goldsmith's code (govc against vcsim; the file system).
 */
export interface StoreFixture {
  line: string;
  base: string;
  /** The store's location as goldsmith's messages name it. */
  location: string;
  /** Adds a fresh template named `name`, ready to be promoted; returns its identity as `inventory` shows it. */
  seed(name: string): Promise<string>;
  /** Every template in the store: name → identity (a managed object reference, an inode). */
  inventory(): Promise<Record<string, string>>;
  /** Seals a build record of the line naming its current `<base>-build` (as a real build would). */
  sealBuild(): Promise<WrittenRecord>;
  cli(args: string[]): Promise<CliResult>;
  /** promote/rollback through the test launcher, pausing at `point`. */
  spawnPromotion(args: string[], point: string): SpawnedPromotion;
  /** The promotion records of the line, oldest first. */
  promotionRuns(): Array<{ action: string; record: string; steps: Array<{ name: string; result: string }> }>;
  audit(): Promise<CliResult>;
  /** Store-specific invariants that must hold after any operation (an image's sidecars beside it, and agreeing). */
  consistent(): Promise<void>;
}

const PROMOTE_STEPS = ['check', 'destroy-prev', 'rename-base', 'rename-build', 'verify', 'seal'];
const ROLLBACK_STEPS = ['check', 'set-aside-base', 'restore-prev', 'verify', 'seal'];
const pointsOf = (steps: readonly string[]) => steps.flatMap((step) => [`${step}:started`, `${step}:acted`]);

const stepsOf = (run: { steps: Array<{ name: string; result: string }> }) => run.steps.map((step) => `${step.name}: ${step.result}`);

/** `<base>-prev`, `<base>` and `<base>-build` in the store, and a build record naming the last. */
async function fullLine(store: StoreFixture): Promise<{ prev: string; base: string; build: string }> {
  const prev = await store.seed(`${store.base}-prev`);
  const base = await store.seed(store.base);
  const build = await store.seed(`${store.base}-build`);
  await store.sealBuild();
  return { prev, base, build };
}

async function killAt(store: StoreFixture, args: string[], point: string): Promise<void> {
  const run = store.spawnPromotion(args, point);
  expect(await run.paused).toBe(point);
  process.kill(run.child.pid!, 'SIGKILL');
  expect((await run.child).signal).toBe('SIGKILL');
}

/**
 * The contract every template store passes, through the real CLI: promote,
 * first promotion, rollback, a missing `-build` refused with its message,
 * and `kill -9` between every pair of steps of a promotion and of a rollback,
 * then a retry that finishes it in a consistent state with one record and a
 * clean audit (`crashes: false` leaves the kills out, for a second mode of a
 * store whose first mode runs them).
 *
 * @example
 * storeContract('qemu', makeQemuFixture);
 */
export function storeContract(platform: string, makeFixture: () => Promise<StoreFixture>, options: { crashes?: boolean } = {}): void {
  describe(`the ${platform} store: promote and roll back`, () => {
    it('promotes the first build of a line that has no <base> yet', async () => {
      const store = await makeFixture();
      const build = await store.seed(`${store.base}-build`);
      const record = await store.sealBuild();
      const result = await store.cli(['promote', store.line]);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain(`skipped  rename ${store.base} to ${store.base}-prev: no ${store.base} yet: first promotion of ${store.line}`);
      expect(await store.inventory()).toEqual({ [store.base]: build });
      const [run] = store.promotionRuns();
      expect(run).toMatchObject({ action: 'promote', build: { record: record.record, sums_sha256: record.sumsSha256 } });
      expect(run!.steps.map((step) => step.result)).toEqual(['ok', 'skipped', 'skipped', 'ok', 'ok']);
      await store.consistent();
      expect((await store.audit()).exitCode).toBe(0);
    });

    it('promotes, keeping the old <base> as -prev, then rolls back, keeping the replaced one', async () => {
      const store = await makeFixture();
      const before = await fullLine(store);
      const promote = await store.cli(['promote', store.line]);
      expect(promote.exitCode, promote.stdout + promote.stderr).toBe(0);
      expect(await store.inventory()).toEqual({ [store.base]: before.build, [`${store.base}-prev`]: before.base });
      expect(stepsOf(store.promotionRuns()[0]!)).toEqual([
        'check: ok',
        `destroy ${store.base}-prev: ok`,
        `rename ${store.base} to ${store.base}-prev: ok`,
        `rename ${store.base}-build to ${store.base}: ok`,
        'verify: ok',
      ]);
      await store.consistent();

      const rollback = await store.cli(['rollback', store.line]);
      expect(rollback.exitCode, rollback.stdout + rollback.stderr).toBe(0);
      const after = await store.inventory();
      const rolledBack = Object.keys(after).find((name) => name.startsWith(`${store.base}-rolledback-`));
      expect(rolledBack).toMatch(/-rolledback-\d{8}T\d{6}Z$/);
      expect(after).toEqual({ [store.base]: before.base, [rolledBack!]: before.build });
      expect(store.promotionRuns().map((run) => run.action)).toEqual(['promote', 'rollback']);
      await store.consistent();
      expect((await store.audit()).exitCode).toBe(0);
    });

    it('refuses with no <base>-build, naming the fix, and touches nothing', async () => {
      const store = await makeFixture();
      const base = await store.seed(store.base);
      await store.sealBuild();
      const result = await store.cli(['promote', store.line]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`there is no ${store.base}-build in ${store.location} to promote: build the line first (goldsmith build ${store.line} --wait); nothing was changed`);
      expect(await store.inventory()).toEqual({ [store.base]: base });
      expect(store.promotionRuns()).toEqual([]);
    });
  });

  // A store whose every operation is one atomic call adds nothing to the crash matrix another mode of it already runs.
  if (options.crashes === false) return;

  describe(`the ${platform} store: a promotion killed with SIGKILL between any two steps`, () => {
    it.each(pointsOf(PROMOTE_STEPS))('killed at %s, a retry finishes it: one record, consistent, a clean audit', async (point) => {
      const store = await makeFixture();
      const before = await fullLine(store);
      await killAt(store, ['promote', store.line], point);
      const retry = await store.cli(['promote', store.line]);
      expect(retry.exitCode, retry.stdout + retry.stderr).toBe(0);
      expect(retry.stdout).toContain(`resumed promotion 1: finished promote of ${store.line}`);
      expect(await store.inventory()).toEqual({ [store.base]: before.build, [`${store.base}-prev`]: before.base });
      expect(store.promotionRuns()).toHaveLength(1);
      await store.consistent();
      expect((await store.audit()).exitCode).toBe(0);
    });
  });

  describe(`the ${platform} store: a rollback killed with SIGKILL between any two steps`, () => {
    it.each(pointsOf(ROLLBACK_STEPS))('killed at %s, a retry finishes it: one record, consistent, a clean audit', async (point) => {
      const store = await makeFixture();
      const prev = await store.seed(`${store.base}-prev`);
      const base = await store.seed(store.base);
      await killAt(store, ['rollback', store.line], point);
      const retry = await store.cli(['rollback', store.line]);
      expect(retry.exitCode, retry.stdout + retry.stderr).toBe(0);
      const after = await store.inventory();
      const rolledBack = Object.keys(after).find((name) => name.startsWith(`${store.base}-rolledback-`));
      expect(after).toEqual({ [store.base]: prev, [rolledBack!]: base });
      expect(store.promotionRuns().map((run) => run.action)).toEqual(['rollback']);
      await store.consistent();
      expect((await store.audit()).exitCode).toBe(0);
    });
  });
}
