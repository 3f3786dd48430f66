import { rm } from 'node:fs/promises';
import { posix } from 'node:path';
import type { LoadedConfig } from '../../config/load-config.js';
import type { MatrixEntry } from '../../config/matrix-schema.js';
import type { Settings } from '../../config/settings.js';
import type { Requester } from '../../evidence/run-schema.js';
import type { RecordSigner, WrittenRecord } from '../../evidence/write-record.js';
import { writeMediaRecord } from '../../evidence/write-media-record.js';
import { formatDatastorePath, parseDatastorePath, statDatastoreFile, uploadDatastoreFile } from '../stores/vsphere/datastore-files.js';
import { findDatastoreFolder } from '../stores/vsphere/find-datastore-folder.js';
import { findInfraBinary } from '../stores/vsphere/find-infra-binary.js';
import { Govc } from '../stores/vsphere/govc.js';
import { readVsphereConnection } from '../stores/vsphere/read-vsphere-connection.js';
import { readPublishedSha256 } from './discover-release.js';
import { downloadIso } from './download-iso.js';
import { mediaFetchOptions } from './media-fetch-options.js';
import { readLatestMedia } from './read-latest-media.js';

export interface StageLineMediaOptions {
  config: LoadedConfig;
  settings: Settings;
  entry: MatrixEntry;
  signer: RecordSigner;
  requestedBy: Requester;
  /** Download progress (bytes on disk, whole size when known). */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Told what happens, one sentence at a time. */
  onStep?: (text: string) => void;
}

export interface StagedMedia {
  record: WrittenRecord;
  /** False when the datastore already held the file (nothing downloaded or uploaded). */
  uploaded: boolean;
  datastorePath: string;
  sha256: string;
  size: number;
  /** Bytes an interrupted earlier download had left, resumed from (0 when none). */
  resumedFrom: number;
}

/** Upload time allowed: an hour, or more for a slow link (1 MiB/s floor). */
const uploadTimeoutMs = (size: number) => Math.max(3_600_000, (size / (1 << 20)) * 1000);

/**
 * Stages a line's ISO on its datastore and seals a media record: reads the
 * published SHA-256 from `sums_url`, and when the datastore already holds
 * `<iso_datastore_path>/<iso_file>` with the size the line's newest media
 * record gives for that SHA-256 (vSphere has no checksum of a datastore file),
 * records it as already staged; otherwise downloads the ISO (checked while it
 * downloads, resumable), uploads it through govc and deletes the local copy.
 *
 * @example
 * const staged = await stageLineMedia({ config, settings, entry, signer, requestedBy: { source: 'cli', user: 'alice' } });
 * staged.record.record // media/ubuntu-24.04/20261130T060000Z
 */
export async function stageLineMedia(options: StageLineMediaOptions): Promise<StagedMedia> {
  const { config, settings, entry } = options;
  if (entry.os !== 'linux' || !entry.iso_url || !entry.sums_url || !entry.iso_file) {
    throw new Error(`line ${entry.key} has no iso_url, sums_url and iso_file in packer/matrix.json: only Linux lines with published media can be staged (Windows media is staged by hand)`);
  }
  if (entry.platform !== 'vsphere' || !entry.iso_datastore_path) {
    throw new Error(`line ${entry.key} has no datastore to stage to: set "platform": "vsphere" and "iso_datastore_path" in packer/matrix.json`);
  }
  const at = parseDatastorePath(`${entry.iso_datastore_path.replace(/\/+$/, '')}/${entry.iso_file}`);
  const datastorePath = formatDatastorePath(at);
  const fetchOptions = mediaFetchOptions(config);
  const sha256 = await readPublishedSha256(entry.sums_url, entry.iso_file, fetchOptions);
  const connection = readVsphereConnection(settings.govc(), config);
  const govc = new Govc({ connection, binary: findInfraBinary('govc', settings.paths) });
  let folderProbe: Promise<boolean | undefined> | undefined;
  let removal: Promise<void> | undefined;
  try {
    // The datastore is asked only when the newest media record names this very ISO there: without such a
    // record the file is uploaded whatever lies there, so the listing would change nothing.
    const latest = readLatestMedia(config.records, entry.key);
    const recorded = latest !== undefined && latest.run.iso.sha256 === sha256 && latest.run.datastore_path === datastorePath && latest.run.target.vcenter === connection.vcenter;
    const staged = recorded ? await statDatastoreFile(govc, at) : undefined;
    const known = recorded && staged !== undefined && latest.run.iso.size === staged;
    let size = staged ?? 0;
    let resumedFrom = 0;
    if (known) {
      options.onStep?.(`${datastorePath} is already staged (${staged} bytes, SHA-256 ${sha256} as ${latest.record} recorded): not downloaded, not uploaded`);
    } else {
      options.onStep?.(`downloading ${entry.iso_url} (published SHA-256 ${sha256})`);
      // While the ISO downloads, govc logs in (the session is kept in the Govc's private home for the upload)
      // and looks for the target folder: neither waits for the other, and the mkdir is left out when it exists.
      folderProbe = findDatastoreFolder(govc, { datastore: at.datastore, path: posix.dirname(at.path) });
      const iso = await downloadIso({ ...fetchOptions, url: entry.iso_url, file: entry.iso_file, dir: config.media.download_dir!, expectedSha256: sha256, maxBytes: config.media.max_iso_bytes, onProgress: options.onProgress });
      const folderExists = await folderProbe;
      size = iso.size;
      resumedFrom = iso.resumedFrom;
      options.onStep?.(`${iso.cached ? 'found' : 'downloaded'} ${iso.path}${iso.resumedFrom > 0 ? ` (resumed from byte ${iso.resumedFrom})` : ''}: ${iso.size} bytes, SHA-256 ${iso.sha256} as published`);
      options.onStep?.(`uploading to ${datastorePath}`);
      await uploadDatastoreFile(govc, iso.path, at, uploadTimeoutMs(iso.size), { folderExists: folderExists === true });
      const uploaded = await statDatastoreFile(govc, at);
      if (uploaded !== iso.size) throw new Error(`after the upload, ${datastorePath} holds ${uploaded ?? 'no'} bytes, not ${iso.size}; run again`);
      // Freeing a gigabyte of page cache takes a tenth of a second or more: it runs on libuv's pool while the record is sealed.
      removal = rm(iso.path, { force: true });
      removal.catch(() => undefined); // awaited below; a failed record must not turn it into an unhandled rejection
    }
    const record = await writeMediaRecord({
      root: config.records,
      signer: options.signer,
      secrets: settings.credentials(config.secret_env, config.baseDir),
      details: {
        line: entry.key,
        requested_by: options.requestedBy,
        iso: { url: entry.iso_url, sums_url: entry.sums_url, file: entry.iso_file, sha256, size },
        datastore_path: datastorePath,
        uploaded: !known,
        target: { platform: 'vsphere', vcenter: connection.vcenter, datacenter: connection.datacenter, datastore: at.datastore },
      },
    });
    await removal;
    return { record, uploaded: !known, datastorePath, sha256, size, resumedFrom };
  } finally {
    // A failed download must not remove govc's home from under a listing still running.
    await folderProbe;
    await removal?.catch(() => undefined);
    govc.close();
  }
}
