import { posix } from 'node:path';
import { HEAD_FILE, LATEST_LINK, PENDING_FILE, SUMS_FILE } from '../evidence/layout.js';
import { ROOT_RECORD, type Finding } from './audit-types.js';
import { quoteName } from './quote-name.js';
import type { RecordFacts } from './record-facts.js';
import type { RootPointers } from './read-root-pointers.js';
import { describeType, type ScannedLine } from './scan-records.js';

export interface PointersInput {
  chain: readonly RecordFacts[];
  seqOf: ReadonlyMap<string, number>;
  byPath: ReadonlyMap<string, RecordFacts>;
  pointers: RootPointers;
  lines: readonly ScannedLine[];
}

const outside = (path: string): boolean => posix.isAbsolute(path) || path === '..' || path.startsWith('../');

class PointerCheck {
  readonly findings: Finding[] = [];
  readonly notices: Finding[] = [];
  private readonly tip: RecordFacts | undefined;
  private readonly beforeTip: RecordFacts | undefined;
  /** True when `.pending` names the newest record: a writer died after sealing it, before (or while) moving the pointers. */
  private readonly interrupted: boolean;
  private readonly onChain: Set<RecordFacts>;

  constructor(private readonly input: PointersInput) {
    this.tip = input.chain.at(-1);
    this.beforeTip = input.chain.at(-2);
    const pending = input.pointers.pending;
    this.interrupted = !!pending && !!this.tip && pending.record === this.tip.record && pending.sumsSha256 === this.tip.sumsSha256;
    this.onChain = new Set(input.chain);
  }

  private fail(record: string, file: string, message: string): void {
    this.findings.push({ record, file, message, severity: 'error' });
  }

  private describe(record: RecordFacts): string {
    return `${record.record} (seq ${this.input.seqOf.get(record.record)})`;
  }

  checkHead(): void {
    const { head, headPresent } = this.input.pointers;
    const tip = this.tip;
    if (!tip) {
      if (head) this.fail(ROOT_RECORD, HEAD_FILE, `names ${quoteName(head.record)}, but the folder holds no records`);
      return;
    }
    if (!headPresent) {
      if (!(this.interrupted && !this.beforeTip)) this.fail(ROOT_RECORD, HEAD_FILE, `missing; the newest record is ${this.describe(tip)}`);
      return;
    }
    if (!head) return;
    const named = posix.normalize(head.record);
    if (outside(named)) {
      this.fail(ROOT_RECORD, HEAD_FILE, `names ${quoteName(head.record)}, outside the records folder; not followed`);
    } else if (named === tip.record) {
      if (tip.sumsSha256 !== undefined && tip.sumsSha256 !== head.sumsSha256) {
        this.fail(ROOT_RECORD, HEAD_FILE, `${tip.record}/${SUMS_FILE} has changed since HEAD was moved to it (HEAD recorded SHA-256 ${head.sumsSha256.slice(0, 16)}…)`);
        this.fail(tip.record, SUMS_FILE, 'does not have the SHA-256 HEAD recorded when this record was sealed (rewritten since, or HEAD damaged)');
      }
    } else if (this.interrupted && this.beforeTip && named === this.beforeTip.record && head.sumsSha256 === this.beforeTip.sumsSha256) {
      return;
    } else {
      const record = this.input.byPath.get(named);
      const newest = `the newest record is ${this.describe(tip)}`;
      if (!record) this.fail(ROOT_RECORD, HEAD_FILE, `names ${quoteName(named)}, which is not a record (deleted?); ${newest}`);
      else if (this.onChain.has(record)) this.fail(ROOT_RECORD, HEAD_FILE, `names ${this.describe(record)}, but ${newest}: HEAD was rolled back, or records were added without moving it`);
      else this.fail(ROOT_RECORD, HEAD_FILE, `names ${record.record}, which is not on the chain; ${newest}`);
    }
  }

  checkPending(): void {
    const pending = this.input.pointers.pending;
    if (!pending) return;
    const note = (message: string): void => void this.notices.push({ record: ROOT_RECORD, file: PENDING_FILE, message, severity: 'notice' });
    if (this.interrupted) {
      note(`interrupted write: ${pending.record} was sealed, but the writer stopped before moving ${pending.kind === 'build' ? 'latest and HEAD' : 'HEAD'} to it (or before clearing .pending); the next write completes it`);
    } else if (outside(posix.normalize(pending.record))) {
      this.fail(ROOT_RECORD, PENDING_FILE, `names ${quoteName(pending.record)}, outside the records folder: the next write would point HEAD there`);
    } else if (!this.input.byPath.has(pending.record)) {
      note(`interrupted write: ${quoteName(pending.record)} was never put in place; the next write discards the intent`);
    } else {
      this.fail(ROOT_RECORD, PENDING_FILE, `names ${quoteName(pending.record)}, which is not the newest record as sealed: the next write would move HEAD back to it`);
    }
  }

  checkLatest(line: ScannedLine): void {
    const builds = this.input.chain.filter((record) => record.kind === 'build' && record.line === line.line);
    const newest = builds.at(-1);
    // An interrupted write of this line's newest build leaves latest one build behind, or absent for the line's first build.
    const excused = this.interrupted && this.tip === newest ? { target: builds.at(-2) } : undefined;
    const fail = (message: string): void => this.fail(line.folder, LATEST_LINK, message);
    const latest = line.latest;
    if (!latest) {
      if (newest && !(excused && excused.target === undefined)) fail(`missing; the newest build of the line is ${this.describe(newest)}`);
      return;
    }
    if (latest.type !== 'symlink') return fail(`is ${describeType(latest.type)}, not a symbolic link`);
    if (latest.target === undefined) return;
    const target = latest.target;
    if (posix.isAbsolute(target)) return fail(`points at the absolute path ${quoteName(target)}; not followed (latest must name a record folder beside it)`);
    const resolved = posix.normalize(posix.join(line.folder, target));
    if (outside(resolved)) return fail(`points at ${quoteName(target)}, outside the records folder; not followed`);
    const record = this.input.byPath.get(resolved);
    const newestText = newest ? `; the newest build of the line is ${this.describe(newest)}` : '';
    if (!record) return fail(`points at ${quoteName(target)}, which is not a record${newestText}`);
    if (record.kind === 'promotion') return fail(`points at ${record.record}, a promotion record, not a build${newestText}`);
    if (record.kind === 'init') return fail(`points at the init record ${record.record}, not a build${newestText}`);
    if (record.line !== line.line) return fail(`points at ${record.record}, a build of another line${newestText}`);
    if (!this.onChain.has(record)) return fail(`points at ${record.record}, which is not on the chain${newestText}`);
    if (record !== newest && !(excused && excused.target === record)) {
      fail(`points at ${this.describe(record)}, but the newest build of the line is ${this.describe(newest!)}: rolled back, or not moved`);
    }
  }
}

/**
 * Checks the pointers against the chain: HEAD must name the newest record
 * with the SHA-256 its SHA256SUMS has now, each `builds/<line>/latest` must
 * be a link, inside the records folder (resolved lexically, never
 * followed), to the newest build of that line. A `.pending` naming the
 * newest record excuses HEAD and `latest` lagging one record behind: the
 * writer stopped mid-commit and its next write rolls them forward.
 *
 * @example
 * const { findings, notices } = verifyPointers({ chain, seqOf, byPath, pointers, lines: scanned.lines });
 */
export function verifyPointers(input: PointersInput): { findings: Finding[]; notices: Finding[] } {
  const check = new PointerCheck(input);
  check.checkHead();
  check.checkPending();
  for (const line of input.lines) check.checkLatest(line);
  return { findings: check.findings, notices: check.notices };
}
