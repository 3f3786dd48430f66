import { hostname } from 'node:os';
import type { PromotionStep } from '../../evidence/run-schema.js';
import type { WrittenRecord } from '../../evidence/write-record.js';
import { findSealedPromotion } from './find-sealed-promotion.js';
import { planPromote } from './plan-promote.js';
import { planRollback } from './plan-rollback.js';
import type { PromotionSession } from './promotion-session.js';
import { PromotionError, type JournalStep, type PlannedOp, type Promotion } from './promotion-types.js';
import { isoSeconds, promotionJobId, sealPromotion } from './seal-promotion.js';

/** A completed promotion or rollback: its journal row, its sealed record, and each step's result. */
export interface PromotionOutcome {
  promotion: Promotion;
  record: WrittenRecord;
  steps: PromotionStep[];
}

type StepResult = { result: 'ok' | 'skipped'; detail: string };

/** Something changed under the promotion (a template vanished or was renamed by someone else): the previous templates are put back. */
class Conflict extends Error {}

function lastEnd(steps: readonly JournalStep[], key: string): JournalStep | undefined {
  return steps.filter((step) => step.key === key && step.phase !== 'started').at(-1);
}

/** The steps a record lists: the check and each planned operation, with their last result. */
function recordSteps(steps: readonly JournalStep[], keys: readonly string[]): PromotionStep[] {
  return keys.flatMap((key) => {
    const end = lastEnd(steps, key);
    return end ? [{ name: end.name, result: end.phase === 'started' ? 'failed' : end.phase, detail: end.detail, at: isoSeconds(end.at) }] : [];
  });
}

/** Journals a step before and after it acts; the injected step hook runs at each point between (crash tests stop there). */
async function step(session: PromotionSession, promotion: Promotion, key: string, name: string, act: () => Promise<StepResult>): Promise<StepResult> {
  const { journal, store } = session;
  const started: JournalStep = { key, name, phase: 'started', detail: '', at: new Date().toISOString() };
  journal.journal(promotion.id, started);
  session.onProgress?.(promotion, started);
  store.note(`## ${name}: started`);
  await session.stepHook?.(`${key}:started`, promotion);
  const result = await act();
  await session.stepHook?.(`${key}:acted`, promotion);
  const ended: JournalStep = { key, name, phase: result.result, detail: result.detail, at: new Date().toISOString() };
  journal.journal(promotion.id, ended);
  session.onProgress?.(promotion, ended);
  store.note(`## ${name}: ${result.result}${result.detail ? `: ${result.detail}` : ''}`);
  return result;
}

async function runOp(session: PromotionSession, promotion: Promotion, op: PlannedOp): Promise<StepResult> {
  const { store } = session;
  if (op.kind === 'verify') return verify(session, promotion, op.template);
  if (op.ref === null) return { result: 'skipped', detail: op.absent };
  // A crash may have cut the store's own operation short (an image renamed before its sidecars): it finishes that first.
  await store.settle?.(op.ref);
  const current = await store.nameOf(op.ref);
  if (op.kind === 'destroy') {
    if (current === undefined) return { result: 'ok', detail: `${op.target} (${op.ref}) is gone` };
    if (current !== op.target) return { result: 'skipped', detail: `${op.ref} was renamed to ${current} meanwhile; left alone` };
    await store.destroy(op.ref);
    return { result: 'ok', detail: `destroyed ${op.target} (${op.ref})` };
  }
  if (current === op.to) return { result: 'ok', detail: `${op.from} (${op.ref}) is named ${op.to}` };
  if (current === undefined) {
    if (op.optional) return { result: 'skipped', detail: `${op.from} (${op.ref}) disappeared meanwhile` };
    throw new Conflict(`${op.from} (${op.ref}) disappeared during the ${promotion.action}`);
  }
  if (current !== op.from) throw new Conflict(`${op.ref} was renamed from ${op.from} to ${current} by someone else during the ${promotion.action}`);
  const holder = await store.find(op.to);
  if (holder && holder.ref !== op.ref) throw new Conflict(`cannot rename ${op.from} to ${op.to}: ${op.to} is taken by ${holder.ref}`);
  await store.rename(op.ref, op.to);
  return { result: 'ok', detail: `renamed ${op.from} (${op.ref}) to ${op.to}` };
}

/** Checks the store holds what the completed steps imply, and that `<base>` is ready to be the line's template. */
async function verify(session: PromotionSession, promotion: Promotion, template: string): Promise<StepResult> {
  const { store, journal } = session;
  const steps = journal.steps(promotion.id);
  const expected = new Map<string, string | null>();
  for (const op of promotion.plan!.ops) {
    if (lastEnd(steps, op.key)?.phase !== 'ok') continue;
    if (op.kind === 'destroy') expected.set(op.target, null);
    if (op.kind === 'rename') {
      expected.set(op.from, null);
      expected.set(op.to, op.ref);
    }
  }
  const seen: string[] = [];
  for (const [name, ref] of expected) {
    const found = (await store.find(name))?.ref ?? null;
    if (found !== ref) throw new Conflict(`verify: expected ${name} to be ${ref ?? 'absent'}, found ${found ?? 'nothing'}`);
    seen.push(ref ? `${name} is ${ref}` : `no ${name}`);
  }
  const base = await store.find(template);
  const info = base ? await store.describe(base) : undefined;
  if (!info?.ready) throw new Conflict(`verify: ${store.location}/${template} ${info ? (info.notReady ?? `is ${info.kind}, not ready`) : 'is missing'}`);
  return { result: 'ok', detail: `${seen.join('; ')}; ${template} is ${info.kind}` };
}

/** Puts back the names the forward steps changed, newest first; a destroyed `-prev` cannot come back. */
async function revert(session: PromotionSession, promotion: Promotion, reason: string): Promise<never> {
  const { journal, store } = session;
  journal.setDirection(promotion.id, 'revert', reason);
  const renames = (promotion.plan?.ops ?? []).filter((op): op is Extract<PlannedOp, { kind: 'rename' }> => op.kind === 'rename').reverse();
  try {
    for (const op of renames) {
      if (lastEnd(journal.steps(promotion.id), `undo-${op.key}`)) continue;
      await step(session, promotion, `undo-${op.key}`, `undo: ${op.name}`, async () => {
        if (op.ref) await store.settle?.(op.ref);
        const current = op.ref ? await store.nameOf(op.ref) : undefined;
        if (!op.ref || current !== op.to) return { result: 'skipped', detail: `${op.ref ?? op.from} is ${current ? `named ${current}` : 'absent'}; nothing to undo` };
        const holder = await store.find(op.from);
        if (holder && holder.ref !== op.ref) throw new Error(`cannot rename ${op.to} back to ${op.from}: ${op.from} is now ${holder.ref}`);
        await store.rename(op.ref, op.from);
        return { result: 'ok', detail: `renamed ${op.to} (${op.ref}) back to ${op.from}` };
      });
    }
  } catch (error) {
    if (store.isTransient(error)) throw interrupt(session, promotion, `while putting the previous templates back: ${(error as Error).message}`);
    journal.finish(promotion.id, 'failed', `${reason}; putting the previous templates back failed too: ${(error as Error).message}`);
    throw new PromotionError(
      'failed',
      `${promotion.action} of ${promotion.line} failed: ${reason}. Putting the previous templates back failed too: ${(error as Error).message}. ` +
        `Check "goldsmith templates ${promotion.line}" and fix the names by hand (${store.repairHint})`,
      promotion.id,
    );
  }
  const destroyed = lastEnd(journal.steps(promotion.id), 'destroy-prev')?.detail.startsWith('destroyed') ? ` (the old ${promotion.baseName}-prev was already destroyed and cannot come back)` : '';
  journal.finish(promotion.id, 'failed', `${reason}; the previous templates were put back${destroyed}`);
  throw new PromotionError('failed', `${promotion.action} of ${promotion.line} failed: ${reason}. goldsmith put the previous templates back${destroyed}; no record was sealed`, promotion.id);
}

function interrupt(session: PromotionSession, promotion: Promotion, why: string): PromotionError {
  const reason = `${why}. Run "goldsmith ${promotion.action} ${promotion.line}" again to finish it (the journal keeps its place)`;
  session.journal.interrupt(promotion.id, reason);
  session.store.note(`# interrupted: ${reason}`);
  return new PromotionError('interrupted', `${promotion.action} of ${promotion.line} (promotion ${promotion.id}) stopped ${reason}`, promotion.id);
}

async function runCheck(session: PromotionSession, promotion: Promotion): Promise<void> {
  const plan = promotion.action === 'promote' ? planPromote : planRollback;
  await step(session, promotion, 'check', 'check', async () => {
    try {
      const checked = await plan(session, promotion);
      session.journal.setPlan(promotion.id, checked.plan, checked.build);
      return { result: 'ok', detail: checked.detail };
    } catch (error) {
      if (session.store.isTransient(error)) throw interrupt(session, promotion, `before anything changed: ${(error as Error).message}`);
      const message = error instanceof PromotionError ? error.message : `${(error as Error).message}; nothing was changed`;
      session.journal.journal(promotion.id, { key: 'check', name: 'check', phase: 'failed', detail: message });
      session.journal.finish(promotion.id, 'failed', message);
      session.store.note(`## check: refused: ${message}`);
      throw new PromotionError('refused', message, promotion.id);
    }
  });
}

async function seal(session: PromotionSession, id: number): Promise<PromotionOutcome> {
  const { journal, config } = session;
  const promotion = journal.get(id)!;
  const find = () => findSealedPromotion(config.records, promotion.line, promotionJobId(promotion), isoSeconds(promotion.startedAt));
  const steps = recordSteps(journal.steps(id), ['check', ...promotion.plan!.ops.map((op) => op.key)]);
  let record = lastEnd(journal.steps(id), 'seal') ? find() : undefined;
  if (!record) {
    try {
      await step(session, promotion, 'seal', 'seal record', async () => {
        // A crash between writing the record and journaling it must not seal it twice.
        record = find() ?? (await sealPromotion({ config, promotion, steps, store: session.store, log: promotion.logPath!, signer: session.signer, settings: session.settings }));
        return { result: 'ok', detail: record.record };
      });
    } catch (error) {
      throw interrupt(session, promotion, `after the templates were swapped, before the record was sealed: ${(error as Error).message}`);
    }
  }
  if (promotion.action === 'promote') journal.clearBuild(promotion.line);
  const finished = journal.finish(id, 'succeeded', null, record!.record);
  session.store.note(`# sealed ${record!.record}`);
  return { promotion: finished, record: record!, steps };
}

/**
 * Runs (or resumes) a promotion or rollback the calling process owns, from
 * wherever its journal stands, in a session whose store is the promotion's
 * own (its platform, at its location): each step is journaled before and
 * after it acts and finds templates by the store's reference, so re-running
 * an interrupted step is safe. The store not answering (a transient error)
 * leaves it `interrupted` (run again to finish); anything else changing
 * under it puts the previous templates back. Seals the record once done.
 *
 * @example
 * const outcome = await runPromotion(session, begun.promotion);
 * console.log(outcome.record.record); // promotions/sim-ubuntu-24.04/20261124T100000Z
 */
export async function runPromotion(session: PromotionSession, start: Promotion): Promise<PromotionOutcome> {
  try {
    return await runSteps(session, start);
  } catch (error) {
    if (error instanceof PromotionError) throw error;
    // Anything unforeseen (the journal's disk, a bug) must not leave the line held by a live process forever.
    throw interrupt(session, session.journal.get(start.id) ?? start, `unexpectedly: ${(error as Error).message}`);
  }
}

async function runSteps(session: PromotionSession, start: Promotion): Promise<PromotionOutcome> {
  const { journal } = session;
  const id = start.id;
  session.logTo(start);
  const resumed = journal.steps(id).length > 0;
  session.store.note(`# ${resumed ? 'resuming' : 'starting'} ${start.action} of ${start.line} (promotion ${id}) in process ${process.pid} on ${hostname()} at ${new Date().toISOString()}`);
  if (start.plan?.store && start.plan.store !== session.store.identity) {
    throw interrupt(session, start, `before going on: it was started against ${start.plan.store}, not ${session.store.identity}; ${session.store.retargetHint}`);
  }
  if (start.direction === 'revert') return revert(session, start, start.reason ?? 'an earlier run failed');
  if (!lastEnd(journal.steps(id), 'check')) await runCheck(session, start);
  const promotion = journal.get(id)!;
  for (const op of promotion.plan!.ops) {
    if (lastEnd(journal.steps(id), op.key)) continue;
    try {
      await step(session, promotion, op.key, op.name, () => runOp(session, promotion, op));
    } catch (error) {
      if (error instanceof PromotionError) throw error;
      if (session.store.isTransient(error)) throw interrupt(session, promotion, `at step "${op.name}": ${(error as Error).message}`);
      const message = (error as Error).message;
      journal.journal(id, { key: op.key, name: op.name, phase: 'failed', detail: message });
      session.onProgress?.(promotion, { key: op.key, name: op.name, phase: 'failed', detail: message, at: new Date().toISOString() });
      return revert(session, journal.get(id)!, `step "${op.name}" failed: ${message}`);
    }
  }
  return seal(session, id);
}
