import type { DatastorePath } from './datastore-files.js';
import type { Govc } from './govc.js';

/**
 * Whether a folder exists on a datastore (`govc datastore.ls` of it): true,
 * false when the datastore says it is not found, or undefined when the
 * question could not be answered (vCenter unreachable, say). A caller that
 * asks while other work runs treats undefined as "create it to be sure", so
 * the real error, if any, surfaces from the call that needs the folder.
 *
 * @example
 * await findDatastoreFolder(govc, { datastore: 'LocalDS_0', path: 'iso/linux/ubuntu-24.04' }) // false: upload with a mkdir first
 */
export async function findDatastoreFolder(govc: Govc, folder: DatastorePath): Promise<boolean | undefined> {
  if (folder.path === '' || folder.path === '.') return true;
  try {
    const { exitCode } = await govc.run(['datastore.ls', '-ds', folder.datastore, folder.path], { tolerate: /not found|FileNotFound/i });
    return exitCode === 0;
  } catch {
    return undefined;
  }
}
