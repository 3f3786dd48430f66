import { userInfo } from 'node:os';
import type { LoadedConfig } from '../config/load-config.js';
import { loadMatrix } from '../config/load-matrix.js';
import type { MatrixEntry } from '../config/matrix-schema.js';
import { selectLines } from '../config/select-lines.js';
import type { Settings } from '../config/settings.js';
import { readSigner } from '../evidence/read-signer.js';
import { stageLineMedia } from '../pipeline/media/stage-line-media.js';
import { downloadProgress } from './download-progress.js';
import { UsageError } from './usage-error.js';

// Its own module, apart from iso check: staging never loads the GitHub App (Probot), which keeps its memory small.
type Out = NodeJS.WritableStream & { isTTY?: boolean };

/** The lines `iso stage all` stages: enabled vSphere Linux lines with published media and a datastore path. */
const stageable = (matrix: readonly MatrixEntry[]) =>
  matrix.filter((entry) => entry.enabled && entry.os === 'linux' && entry.platform === 'vsphere' && entry.iso_url && entry.sums_url && entry.iso_file && entry.iso_datastore_path);

/**
 * `goldsmith iso stage <line|all>`: downloads each line's ISO (checked while
 * it downloads, resumable), uploads it to its datastore through govc unless
 * already staged, and seals a media record. Exit 0 when every line was
 * staged, 1 when one failed, 2 for a usage error.
 *
 * @example
 * await isoStageCommand(config, settings, 'ubuntu-24.04', {}, process.stdout, process.stderr) // 0
 */
export async function isoStageCommand(config: LoadedConfig, settings: Settings, selector: string, options: { requestedBy?: string }, stdout: Out, stderr: Out): Promise<number> {
  const matrix = loadMatrix(config.packer.matrix);
  const entries = selector.toLowerCase() === 'all' ? stageable(matrix) : selectLines(matrix, selector);
  if (entries.length === 0) throw new UsageError(`no enabled vSphere Linux line of ${config.packer.matrix} has iso_url, sums_url, iso_file and iso_datastore_path: nothing to stage`);
  const signer = readSigner(config.signing.key, config.signing.identity);
  const requestedBy = { source: 'cli' as const, user: options.requestedBy ?? userInfo().username };
  let failed = 0;
  for (const entry of entries) {
    const progress = stderr.isTTY ? downloadProgress(stderr, entry.iso_file ?? entry.key) : undefined;
    try {
      const staged = await stageLineMedia({
        config,
        settings,
        entry,
        signer,
        requestedBy,
        onProgress: progress ? (received, total) => progress.update(received, total) : undefined,
        onStep: (text) => {
          progress?.finish();
          stdout.write(`${entry.key}: ${text}\n`);
        },
      });
      progress?.finish();
      stdout.write(`${entry.key}: ${staged.uploaded ? 'staged' : 'already staged'} ${staged.datastorePath}; sealed ${staged.record.record}\n`);
    } catch (error) {
      progress?.finish();
      failed++;
      stderr.write(`goldsmith: ${entry.key}: ${(error as Error).message}\n`);
    }
  }
  if (failed === 0) stdout.write(`verify: goldsmith audit ${config.records}\n`);
  return failed > 0 ? 1 : 0;
}
