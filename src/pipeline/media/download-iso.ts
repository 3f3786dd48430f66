import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { hashFile } from '../../evidence/hash-file.js';
import { openMirrorBody } from './open-mirror-body.js';
import type { MirrorFetchOptions } from './open-mirror-url.js';
import { startTrailingHash } from './start-trailing-hash.js';

export interface DownloadIsoOptions extends MirrorFetchOptions {
  url: string;
  /** The ISO's file name: the download becomes `<dir>/<file>`, `<dir>/<file>.partial` meanwhile. */
  file: string;
  dir: string;
  /** The SHA-256 the mirror's sums file publishes. */
  expectedSha256: string;
  /** Largest ISO accepted (media.max_iso_bytes). */
  maxBytes: number;
  /** Told of progress: bytes on disk, and the whole size when the mirror says. */
  onProgress?: (received: number, total: number | undefined) => void;
}

/** What the download left: the checked ISO on disk. */
export interface DownloadedIso {
  path: string;
  sha256: string;
  size: number;
  /** Bytes a partial download from an earlier run already held (0 when it started afresh). */
  resumedFrom: number;
  /** True when `<dir>/<file>` was already there with the right SHA-256 (nothing downloaded). */
  cached: boolean;
}

/** Bytes between two notes to the hashing thread: it reads 1 MiB at a time, so it is woken about once per read. */
const PUBLISH_EVERY = 1024 * 1024;

/**
 * Downloads an ISO to `<dir>/<file>.partial`, hashing it with SHA-256 on
 * another thread just behind the writes (start-trailing-hash.ts), then
 * renames it to `<dir>/<file>` once the digest equals the published one. A
 * partial download left by an interrupted run is resumed with an HTTP Range
 * request (its bytes hashed along with the new ones); a mirror that ignores
 * the range restarts it. A wrong digest,
 * or a body larger than `maxBytes`, deletes the partial file; an interrupted
 * transfer keeps it for the next run.
 *
 * @example
 * const iso = await downloadIso({ url, file: 'ubuntu-24.04.3-live-server-amd64.iso', dir: '.goldsmith/media', expectedSha256, maxBytes: 16 << 30, allowedRedirectHosts: [], idleTimeoutMs: 60_000 });
 * iso.path // '.goldsmith/media/ubuntu-24.04.3-live-server-amd64.iso'
 */
export async function downloadIso(options: DownloadIsoOptions): Promise<DownloadedIso> {
  mkdirSync(options.dir, { recursive: true });
  const final = join(options.dir, options.file);
  const partial = `${final}.partial`;
  if (existsSync(final)) {
    const { sha256, size } = await hashFile(final);
    if (sha256 === options.expectedSha256) return { path: final, sha256: options.expectedSha256, size, resumedFrom: 0, cached: true };
    rmSync(final, { force: true });
  }

  let offset = existsSync(partial) ? statSync(partial).size : 0;
  if (offset > options.maxBytes) {
    rmSync(partial, { force: true });
    offset = 0;
  }
  const { response, url } = await openMirrorBody(options.url, options, offset > 0 ? { range: `bytes=${offset}-` } : {});
  let resumedFrom = offset;
  if (offset > 0 && response.statusCode !== 206) {
    // The mirror sent the whole file: start again.
    resumedFrom = 0;
    offset = 0;
  } else if (response.statusCode === 206) {
    const start = /^bytes (\d+)-/.exec(String(response.headers['content-range'] ?? ''));
    if (!start || Number(start[1]) !== offset) {
      response.destroy();
      rmSync(partial, { force: true });
      throw new Error(`${url} answered the range request from byte ${offset} with ${response.headers['content-range'] ?? 'no Content-Range'}; the partial download was deleted, run again to start afresh`);
    }
  }
  const length = Number(response.headers['content-length']);
  const total = Number.isFinite(length) ? offset + length : undefined;
  const tooLarge = () => new Error(`${url} is larger than ${options.maxBytes} bytes (media.max_iso_bytes): refused, the partial download was deleted; raise the limit if the ISO really is that large`);
  if (total !== undefined && total > options.maxBytes) {
    response.destroy();
    rmSync(partial, { force: true });
    throw tooLarge();
  }

  let received = offset;
  let overLimit = false;
  // Each chunk (a view of the reader's one buffer) is written synchronously: no write queue builds up, so memory
  // stays flat however fast the mirror is, and the socket is read only as fast as the disk takes the bytes. Another
  // thread hashes the file just behind the writes (from byte 0: a resumed download's prefix is included).
  const fd = openSync(partial, offset > 0 ? 'a' : 'w');
  const hash = startTrailingHash(partial, offset);
  let published = received;
  let hashing = false;
  try {
    await response.readBody((chunk) => {
      received += chunk.length;
      if (received > options.maxBytes) {
        overLimit = true;
        return false;
      }
      for (let written = 0; written < chunk.length; ) written += writeSync(fd, chunk, written);
      if (received - published >= PUBLISH_EVERY) {
        hash.publish(received);
        published = received;
      }
      options.onProgress?.(received, total);
      return true;
    });
    if (!overLimit && total !== undefined && received < total) throw Object.assign(new Error('the connection closed early'), { code: 'ECONNRESET' });
    hashing = !overLimit;
  } catch (error) {
    response.destroy();
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`the download of ${options.file} from ${url} was interrupted after ${received}${total ? ` of ${total}` : ''} bytes (${why}); run the same command again to resume it`);
  } finally {
    closeSync(fd);
    if (!hashing) hash.abort();
    if (overLimit) rmSync(partial, { force: true });
  }
  if (overLimit) throw tooLarge();
  let sha256: string;
  try {
    ({ sha256 } = await hash.finish(received));
  } catch (error) {
    // The bytes on disk could not be read back: keep nothing that was never checked.
    rmSync(partial, { force: true });
    throw new Error(`${options.file} from ${url} could not be checked (${(error as Error).message}): the download was deleted; run again`);
  }
  if (sha256 !== options.expectedSha256) {
    rmSync(partial, { force: true });
    throw new Error(`${options.file} from ${url} has SHA-256 ${sha256}, but the sums file publishes ${options.expectedSha256}: the download was deleted; try again, or another mirror`);
  }
  renameSync(partial, final);
  return { path: final, sha256, size: received, resumedFrom, cached: false };
}
