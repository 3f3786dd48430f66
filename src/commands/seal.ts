import type { Settings } from '../config/settings.js';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { LoadedConfig } from '../config/load-config.js';
import { readSigner } from '../evidence/read-signer.js';
import { sealBuild } from '../pipeline/seal-build.js';
import { UsageError } from './usage-error.js';

export interface SealCommandOptions {
  line: string;
  log: string;
  manifest?: string;
  packerProvenance?: string;
  key?: string;
  requestedBy?: string;
}

/** `goldsmith seal`: seals the record of a build run outside goldsmith. */
export async function sealCommand(config: LoadedConfig, settings: Settings, options: SealCommandOptions, stdout: NodeJS.WritableStream): Promise<number> {
  for (const [flag, path] of [['--log', options.log], ['--manifest', options.manifest], ['--packer-provenance', options.packerProvenance]] as const) {
    if (path !== undefined && !existsSync(path)) throw new UsageError(`${flag} ${path}: no such file`);
  }
  const signer = readSigner(options.key ?? config.signing.key, config.signing.identity, '--key');
  const sealed = await sealBuild({
    config,
    line: options.line,
    log: options.log,
    manifest: options.manifest,
    packerProvenance: options.packerProvenance,
    requestedBy: { source: 'cli', user: options.requestedBy ?? userInfo().username },
    signer,
    settings,
  });
  stdout.write(
    `sealed ${sealed.record} (seq ${sealed.seq})\n` +
      `  log SHA-256 ${sealed.log?.sha256} (${sealed.log?.size} bytes)\n` +
      `  SHA256SUMS SHA-256 ${sealed.sumsSha256}\n` +
      `verify: goldsmith audit ${config.records}\n`,
  );
  return 0;
}
