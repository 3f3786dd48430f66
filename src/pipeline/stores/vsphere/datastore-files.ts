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
 * `govc datastore.upload`), with `timeoutMs` for the transfer. A caller that
 * already knows the folder exists (findDatastoreFolder) passes
 * `folderExists: true` and saves the mkdir: each govc call costs a process
 * start and a round of requests to vCenter.
 *
 * @example
 * await uploadDatastoreFile(govc, '.goldsmith/media/ubuntu.iso', { datastore: 'LocalDS_0', path: 'iso/ubuntu.iso' }, 3_600_000);
 */
export async function uploadDatastoreFile(govc: Govc, local: string, at: DatastorePath, timeoutMs: number, options: { folderExists?: boolean } = {}): Promise<void> {
  const folder = posix.dirname(at.path);
  if (folder !== '.' && folder !== '' && !options.folderExists) await govc.run(['datastore.mkdir', '-p', '-ds', at.datastore, folder]);
  await govc.run(['datastore.upload', '-ds', at.datastore, local, at.path], { timeoutMs });
}
