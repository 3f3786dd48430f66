import { posix } from 'node:path';
import type { Govc } from './govc.js';

/** A datastore path split: `[vsanDatastore] iso/linux/ubuntu` is datastore `vsanDatastore`, path `iso/linux/ubuntu`. */
export interface DatastorePath {
  datastore: string;
  path: string;
}

/**
 * Splits a datastore path as vSphere writes it (`[datastore] folder/file`).
 *
 * @example
 * parseDatastorePath('[vsanDatastore] iso/linux/ubuntu') // { datastore: 'vsanDatastore', path: 'iso/linux/ubuntu' }
 */
export function parseDatastorePath(text: string): DatastorePath {
  const match = /^\[([^\]]+)\]\s*(.*)$/.exec(text.trim());
  if (!match || match[2]!.split('/').includes('..')) {
    throw new Error(`"${text}" is not a datastore path; write iso_datastore_path in packer/matrix.json as "[datastore] folder", for example "[datastore1] iso/linux"`);
  }
  return { datastore: match[1]!, path: match[2]!.replace(/^\/+|\/+$/g, '') };
}

/** `[datastore] path` again. */
export const formatDatastorePath = (at: DatastorePath): string => `[${at.datastore}] ${at.path}`;

/**
 * The size in bytes of a file on a datastore (`govc datastore.ls -l -json`),
 * or undefined when it is not there. vSphere offers no checksum of a
 * datastore file: the size is all a listing can tell.
 *
 * @example
 * await statDatastoreFile(govc, { datastore: 'LocalDS_0', path: 'iso/ubuntu.iso' }) // 3145728
 */
export async function statDatastoreFile(govc: Govc, at: DatastorePath): Promise<number | undefined> {
  const { stdout, exitCode } = await govc.run(['datastore.ls', '-l', '-json', '-ds', at.datastore, at.path], { tolerate: /not found|FileNotFound/i });
  if (exitCode !== 0) return undefined;
  const results = JSON.parse(stdout || '[]') as Array<{ File?: Array<{ Path?: string; FileSize?: number }> | null }>;
  const name = posix.basename(at.path);
  const file = results.flatMap((result) => result.File ?? []).find((entry) => entry.Path === name);
  return typeof file?.FileSize === 'number' ? file.FileSize : undefined;
}

/**
 * Uploads a local file to a datastore (`govc datastore.mkdir -p`, then
 * `govc datastore.upload`), with `timeoutMs` for the transfer.
 *
 * @example
 * await uploadDatastoreFile(govc, '.goldsmith/media/ubuntu.iso', { datastore: 'LocalDS_0', path: 'iso/ubuntu.iso' }, 3_600_000);
 */
export async function uploadDatastoreFile(govc: Govc, local: string, at: DatastorePath, timeoutMs: number): Promise<void> {
  const folder = posix.dirname(at.path);
  if (folder !== '.' && folder !== '') await govc.run(['datastore.mkdir', '-p', '-ds', at.datastore, folder]);
  await govc.run(['datastore.upload', '-ds', at.datastore, local, at.path], { timeoutMs });
}

/** An upload in progress whose bytes arrive as they are downloaded (`govc datastore.upload -`). */
export interface DatastoreUpload {
  /** Sends a chunk; resolves when govc can take more. */
  write(chunk: Buffer): Promise<void>;
  /** Ends the input and waits for govc to finish the upload. */
  finish(): Promise<void>;
  /** Stops the upload (the file it left is removed by the caller). */
  abort(): Promise<void>;
}

/**
 * Starts uploading to `at` from bytes given as they come: `govc
 * datastore.mkdir -p`, then `govc datastore.upload -ds <ds> - <path>` fed
 * through its standard input, so an ISO is uploaded while it downloads.
 *
 * @example
 * const upload = await startDatastoreUpload(govc, { datastore: 'LocalDS_0', path: 'iso/x.iso.goldsmith-upload' }, 3_600_000);
 * await upload.write(chunk); await upload.finish();
 */
export async function startDatastoreUpload(govc: Govc, at: DatastorePath, timeoutMs: number): Promise<DatastoreUpload> {
  const folder = posix.dirname(at.path);
  if (folder !== '.' && folder !== '') await govc.run(['datastore.mkdir', '-p', '-ds', at.datastore, folder]);
  const started = govc.start(['datastore.upload', '-ds', at.datastore, '-', at.path], { timeoutMs });
  const stdin = started.stdin!;
  let failed: unknown;
  // govc dying mid-upload ends the wait for "drain" with its error.
  const ended = started.result.then(
    () => undefined,
    (error: unknown) => (failed = error),
  );
  return {
    async write(chunk) {
      if (failed) throw failed;
      if (!stdin.write(chunk)) await Promise.race([new Promise((resolve) => stdin.once('drain', resolve)), ended]);
      if (failed) throw failed;
    },
    async finish() {
      stdin.end();
      await started.result;
    },
    async abort() {
      started.kill();
      await ended;
    },
  };
}

/** Moves a datastore file over `to` (`govc datastore.mv -f`). */
export async function moveDatastoreFile(govc: Govc, from: DatastorePath, to: DatastorePath): Promise<void> {
  await govc.run(['datastore.mv', '-f', '-ds', from.datastore, from.path, to.path]);
}

/** Removes a datastore file; one that is not there is fine. */
export async function removeDatastoreFile(govc: Govc, at: DatastorePath): Promise<void> {
  await govc.run(['datastore.rm', '-f', '-ds', at.datastore, at.path], { tolerate: /not found|FileNotFound/i });
}
