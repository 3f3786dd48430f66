import { posix } from 'node:path';
import { PREV_FILE, RUN_FILE, SUMS_FILE } from '../evidence/layout.js';
import type { HeadPointer } from '../evidence/pointers.js';
import type { Finding } from './audit-types.js';
import { quoteName } from './quote-name.js';
import type { RecordFacts } from './record-facts.js';

export interface ChainResult {
  /** The records the chain links, oldest first. */
  chain: RecordFacts[];
  /** Each placed record's seq: declared, or implied by its neighbours when run.json is unreadable. */
  seqOf: Map<string, number>;
  findings: Finding[];
}

const short = (digest: string): string => `${digest.slice(0, 16)}…`;

/** The path PREV names, resolved lexically against the record's actual folder, as `sha256sum -c PREV` run there would. */
export function prevTarget(facts: RecordFacts): string | undefined {
  if (!facts.prev || facts.prev.genesis) return undefined;
  return posix.isAbsolute(facts.prev.path) ? facts.prev.path : posix.normalize(posix.join(facts.record, facts.prev.path));
}

/** The record whose SHA256SUMS a path names, if it names one. */
export function recordOfSums(path: string | undefined): string | undefined {
  return path?.endsWith(`/${SUMS_FILE}`) ? path.slice(0, -SUMS_FILE.length - 1) : undefined;
}

class ChainCheck {
  readonly findings: Finding[] = [];
  readonly seqOf = new Map<string, number>();
  private readonly byPath: Map<string, RecordFacts>;
  private readonly byDigest = new Map<string, RecordFacts>();

  constructor(
    private readonly facts: readonly RecordFacts[],
    private readonly head: HeadPointer | undefined,
  ) {
    this.byPath = new Map(facts.map((record) => [record.record, record]));
    for (const record of facts) if (record.sumsSha256 && !this.byDigest.has(record.sumsSha256)) this.byDigest.set(record.sumsSha256, record);
  }

  private fail(record: RecordFacts, file: string, message: string): void {
    this.findings.push({ record: record.record, file, message, severity: 'error' });
  }

  private seq(record: RecordFacts): number {
    return this.seqOf.get(record.record)!;
  }

  /** A record whose run.json gives no seq is placed by the PREV that names it, or by the record its own PREV names. */
  placeRecords(): RecordFacts[] {
    for (const record of this.facts) if (record.seq !== undefined) this.seqOf.set(record.record, record.seq);
    for (const record of this.facts) {
      const target = recordOfSums(prevTarget(record));
      if (record.seq !== undefined && record.seq > 0 && target && this.byPath.has(target) && !this.seqOf.has(target)) this.seqOf.set(target, record.seq - 1);
    }
    for (const record of this.facts) {
      const target = recordOfSums(prevTarget(record));
      if (!this.seqOf.has(record.record) && target && this.seqOf.has(target)) this.seqOf.set(record.record, this.seqOf.get(target)! + 1);
    }
    const placed = this.facts.filter((record) => this.seqOf.has(record.record));
    for (const record of this.facts.filter((candidate) => !this.seqOf.has(candidate.record))) {
      this.fail(record, '', 'not on the chain: run.json gives no seq and no PREV links this record to its neighbours');
    }
    return placed;
  }

  /** Walks seqs from the newest down, keeping for each seq the record its successor's PREV (or HEAD) names. */
  chooseChain(placed: RecordFacts[]): RecordFacts[] {
    const bySeq = new Map<number, RecordFacts[]>();
    for (const record of placed) bySeq.set(this.seq(record), [...(bySeq.get(this.seq(record)) ?? []), record]);
    const chain: RecordFacts[] = [];
    let successor: RecordFacts | undefined;
    for (const seq of [...bySeq.keys()].sort((a, b) => b - a)) {
      const candidates = bySeq.get(seq)!;
      const chosen = candidates.length === 1 ? candidates[0]! : this.pickCopy(candidates, successor);
      for (const other of candidates) {
        if (other === chosen) continue;
        const by = successor ? `${successor.record}'s PREV` : 'HEAD';
        this.fail(other, '', `not on the chain: seq ${seq} is also claimed by ${chosen.record}, the record ${by} links to (a copy or a stray record?)`);
      }
      chain.push(chosen);
      successor = chosen;
    }
    return chain.reverse();
  }

  private pickCopy(candidates: RecordFacts[], successor: RecordFacts | undefined): RecordFacts {
    const named = successor ? recordOfSums(prevTarget(successor)) : this.head?.record;
    const digest = successor ? (successor.prev?.genesis === false ? successor.prev.sha256 : undefined) : this.head?.sumsSha256;
    const score = (record: RecordFacts): number =>
      (record.record === named ? 4 : 0) + (digest !== undefined && record.sumsSha256 === digest ? 2 : 0) + (record.declaredRecord === record.record ? 1 : 0);
    return [...candidates].sort((a, b) => score(b) - score(a) || (a.record < b.record ? -1 : 1))[0]!;
  }

  checkLinks(chain: RecordFacts[]): void {
    chain.forEach((record, index) => {
      const previous = chain[index - 1];
      if (index === 0 && this.seq(record) > 0) {
        const seq = this.seq(record);
        this.fail(record, RUN_FILE, `seq ${seq} is the oldest on the chain: ${seq === 1 ? 'the record with seq 0 is' : `the records with seq 0 to ${seq - 1} are`} missing (deleted?)`);
      }
      if (index === 0 && this.seq(record) === 0 && record.kind !== 'init') this.fail(record, '', `the chain must start with the init record, not a ${record.kind} record`);
      if (index > 0 && record.kind === 'init') this.fail(record, '', 'an init record may only start the chain (seq 0)');
      if (previous && this.seq(record) !== this.seq(previous) + 1) {
        const from = this.seq(previous) + 1;
        const to = this.seq(record) - 1;
        const missing = from === to ? `the record with seq ${from} is missing` : `the records with seq ${from} to ${to} are missing`;
        this.fail(record, RUN_FILE, `seq ${this.seq(record)} follows seq ${this.seq(previous)} (${previous.record}): ${missing} (deleted?)`);
      }
      this.checkPrev(record, previous);
    });
  }

  private checkPrev(record: RecordFacts, previous: RecordFacts | undefined): void {
    const prev = record.prev;
    if (!prev) return;
    if (prev.genesis) {
      if (previous) this.fail(record, PREV_FILE, `says genesis, but this record follows ${previous.record} (seq ${this.seq(previous)})`);
      return;
    }
    const target = prevTarget(record)!;
    if (posix.isAbsolute(target) || target === '..' || target.startsWith('../')) {
      this.fail(record, PREV_FILE, `names ${quoteName(prev.path)}, outside the records folder; not followed`);
      return;
    }
    const targetRecord = recordOfSums(target);
    if (!previous) {
      const exists = targetRecord !== undefined && this.byPath.has(targetRecord);
      this.fail(record, PREV_FILE, `names ${quoteName(target)}, but no record precedes this one on the chain${exists ? '' : ' (it does not exist: deleted?)'}`);
      return;
    }
    const expected = `${previous.record}/${SUMS_FILE}`;
    const at = `${previous.record} (seq ${this.seq(previous)})`;
    if (target === expected) {
      if (previous.sumsSha256 === undefined || previous.sumsSha256 === prev.sha256) return;
      const holder = this.byDigest.get(prev.sha256);
      if (holder && holder !== previous) {
        this.fail(record, PREV_FILE, `names ${expected} with SHA-256 ${short(prev.sha256)}, which is now the SHA256SUMS of ${holder.record}: records moved or swapped`);
      } else {
        this.fail(record, PREV_FILE, `${expected} has changed since this record was written (PREV recorded SHA-256 ${short(prev.sha256)}, it is now ${short(previous.sumsSha256)})`);
        // Blame the earlier record only when this PREV is itself intact (it matched this record's SHA256SUMS).
        if (!record.findings.some((finding) => finding.file === PREV_FILE)) {
          this.fail(previous, SUMS_FILE, `rewritten after the next record (${record.record}) was sealed: its PREV recorded a different SHA-256`);
        }
      }
    } else if (prev.sha256 === previous.sumsSha256) {
      this.fail(record, PREV_FILE, `names ${quoteName(target)}, but the previous record, with that SHA256SUMS, lies at ${at}: moved or renamed`);
    } else if (targetRecord && this.byPath.has(targetRecord)) {
      this.fail(record, PREV_FILE, `names ${quoteName(target)}, but the previous record in seq order is ${at}: records reordered or swapped?`);
    } else {
      this.fail(record, PREV_FILE, `names ${quoteName(target)}, which does not exist (deleted?); the previous record in seq order is ${at}`);
    }
  }
}

/**
 * Orders the records into the chain by seq and checks every link: seq
 * contiguous from 0, each PREV naming the previous record's SHA256SUMS by
 * path and digest. A broken link is reported on the record after the break
 * (and, when the previous SHA256SUMS was rewritten, on that record too),
 * so one deletion yields findings on one record, not on every later one.
 * Of two records claiming one seq, the one its successor's PREV (or HEAD,
 * for the newest) names stays on the chain; the other is reported.
 *
 * @example
 * const { chain, findings } = verifyChain(facts, head);
 * chain.at(-1)?.record // the newest record, which HEAD must name
 */
export function verifyChain(facts: readonly RecordFacts[], head: HeadPointer | undefined): ChainResult {
  const check = new ChainCheck(facts, head);
  const chain = check.chooseChain(check.placeRecords());
  check.checkLinks(chain);
  return { chain, seqOf: check.seqOf, findings: check.findings };
}
