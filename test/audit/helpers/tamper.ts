import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatHead } from '../../../src/evidence/pointers.js';
import { optionalFilesOf, recordFilesOf, type RecordKind } from '../../../src/evidence/layout.js';
import { signSshsig } from '../../../src/evidence/sshsig.js';
import type { SigningKey } from '../../../src/evidence/ssh-keys.js';
import { formatPrev, formatSums, parsePrev } from '../../../src/evidence/sums.js';
import { makeTempDir, writeChain, type Chain } from '../../helpers/write-chain.js';

/** One record of a chain, init included (writeChain's `records` leaves the init record out). */
export interface ChainRecord {
  record: string;
  path: string;
  seq: number;
  kind: RecordKind;
  ts: string;
}

export interface TestChain extends Chain {
  dir: string;
  /** Every record in seq order, init first. */
  all: ChainRecord[];
}

const created: string[] = [];

/** Removes every folder writeTestChain and cloneChain made in this test file (call from afterAll). */
export function removeTestChains(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

function describe(root: string, record: string, seq: number): ChainRecord {
  const [folder, , ts] = record.split('/');
  const kind: RecordKind = folder === 'init' ? 'init' : folder === 'builds' ? 'build' : 'promotion';
  return { record, path: join(root, record), seq, kind, ts: kind === 'init' ? record.split('/')[1]! : ts! };
}

/**
 * The chain most tamper tests start from: init, then a build and a promotion
 * of ubuntu-24.04, of debian-12, and of ubuntu-24.04 again (seq 0 to 6).
 */
export async function writeTestChain(lines = ['ubuntu-24.04', 'debian-12', 'ubuntu-24.04'], promote = true): Promise<TestChain> {
  const dir = makeTempDir('goldsmith-audit-');
  created.push(dir);
  const chain = await writeChain({ lines, promote, dir, logBytes: 8192 });
  const init = readdirSync(join(chain.root, 'init'))[0]!;
  const all = [describe(chain.root, `init/${init}`, 0), ...chain.records.map((r) => describe(chain.root, r.record, r.seq))];
  return { ...chain, dir, all };
}

/** A private copy of a template chain, so each case tampers with its own. */
export function cloneChain(template: TestChain): TestChain {
  const dir = makeTempDir('goldsmith-audit-case-');
  created.push(dir);
  cpSync(template.dir, dir, { recursive: true, verbatimSymlinks: true });
  const root = join(dir, relative(template.dir, template.root));
  return {
    ...template,
    dir,
    root,
    allowedSigners: join(dir, relative(template.dir, template.allowedSigners)),
    records: template.records.map((r) => ({ ...r, path: join(root, r.record) })),
    all: template.all.map((r) => ({ ...r, path: join(root, r.record) })),
  };
}

/** Overwrites a (read-only, 0444) record file as an attacker with write access would. */
export function overwrite(path: string, content: string | Buffer): void {
  chmodSync(path, 0o644);
  writeFileSync(path, content);
}

/** Flips one bit of the byte at `offset` (default: the middle). */
export function flipByte(path: string, offset?: number): void {
  const bytes = readFileSync(path);
  const at = offset ?? Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0x01;
  overwrite(path, bytes);
}

export function truncate(path: string, keep?: number): void {
  const bytes = readFileSync(path);
  overwrite(path, bytes.subarray(0, keep ?? Math.floor(bytes.length / 2)));
}

/** Edits a text file in place. */
export function edit(path: string, change: (text: string) => string): void {
  overwrite(path, change(readFileSync(path, 'utf8')));
}

/** Rewrites the record's SHA256SUMS to match its files as they are now; re-signs it with `key` unless null. Returns the new digest. */
export function reseal(record: ChainRecord, key: SigningKey | null): string {
  const names = recordFilesOf(record.kind, optionalFilesOf(record.kind).filter((name) => existsSync(join(record.path, name)))).hashed;
  const sums = formatSums(names.map((name) => ({ sha256: sha256(readFileSync(join(record.path, name))), name })));
  overwrite(join(record.path, 'SHA256SUMS'), sums);
  if (key) overwrite(join(record.path, 'SHA256SUMS.sig'), signSshsig(Buffer.from(sums), key));
  return sha256(sums);
}

/**
 * An insider with the signing key rewriting history from `index` on:
 * reseals that record and every later one, fixing each PREV and finally
 * HEAD, so only what the chain cannot hide is left to find.
 */
export function resealFrom(chain: TestChain, index: number): void {
  let digest = '';
  for (const [at, record] of chain.all.entries()) {
    if (at < index) continue;
    if (at > index) {
      const prevPath = join(record.path, 'PREV');
      const link = parsePrev(readFileSync(prevPath, 'utf8'));
      if (!link.genesis) overwrite(prevPath, formatPrev({ ...link, sha256: digest }));
    }
    digest = reseal(record, chain.signer.key);
  }
  const tip = chain.all.at(-1)!;
  overwrite(join(chain.root, 'HEAD'), formatHead({ record: tip.record, sumsSha256: digest }));
}

/** The SHA-256 of a record's SHA256SUMS as it is now. */
export function sumsDigest(record: ChainRecord): string {
  return sha256(readFileSync(join(record.path, 'SHA256SUMS')));
}

export function relink(path: string, target: string): void {
  rmSync(path, { force: true });
  symlinkSync(target, path);
}

/** Every entry under `root` with its type, size, mode, mtime and link target: equal before and after proves nothing was written. */
export function snapshotTree(root: string): string[] {
  const out: string[] = [];
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const stat = lstatSync(path);
      const link = stat.isSymbolicLink() ? readlinkSync(path) : '';
      out.push(`${relative(root, path)} ${stat.mode.toString(8)} ${stat.size} ${stat.mtimeMs} ${stat.ctimeMs} ${link}`);
      if (stat.isDirectory()) walk(path);
    }
  };
  walk(root);
  return out;
}
