import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LoadedConfig } from '../../../config/load-config.js';
import type { MatrixEntry } from '../../../config/matrix-schema.js';
import type { Settings } from '../../../config/settings.js';
import { lineVarFiles } from '../../line-var-files.js';
import { packerVersion } from './packer-version.js';
import { runLinePacker } from './run-line-packer.js';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** What `packer validate` depends on: Packer's version, every HCL file of the line, its var-files, `-only`. */
function validationKey(config: LoadedConfig, entry: MatrixEntry, version: string): string {
  const buildDir = join(dirname(config.packer.matrix), entry.build_dir);
  const files = readdirSync(buildDir).filter((name) => name.endsWith('.pkr.hcl')).sort();
  const varFiles = lineVarFiles(config, entry);
  return sha256(
    JSON.stringify({
      version,
      only: entry.only ?? null,
      hcl: files.map((name) => [name, sha256(readFileSync(join(buildDir, name)))]),
      varFiles: [...varFiles.shared, varFiles.own].map((path) => [path, sha256(readFileSync(path))]),
    }),
  );
}

const cacheFileOf = (config: LoadedConfig) => join(config.state_dir, 'validated.json');

function readCache(config: LoadedConfig): Record<string, string> {
  try {
    return JSON.parse(readFileSync(cacheFileOf(config), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * Checks, before a build of `entry` on this host is queued, what Packer
 * would refuse only minutes later: that Packer runs, and that `packer
 * validate` passes the line with the var-files and environment the build
 * gets (the syntax only, for Proxmox and QEMU lines, whose platform sets
 * some variables only when the build starts). A passing validation is remembered by the digest of everything it
 * depends on, so an unchanged line is not validated again. With `dryRun`,
 * nothing is written (not even that memory). Returns the problems, each
 * with Packer's words; empty when there is none.
 *
 * @example
 * await checkLinePacker(config, settings, entry) // ['packer validate failed: Error: Unsupported argument …']
 */
export async function checkLinePacker(config: LoadedConfig, settings: Settings, entry: MatrixEntry, options: { dryRun?: boolean } = {}): Promise<string[]> {
  let version: string;
  try {
    version = await packerVersion(config.packer.binary, settings.childEnv({ family: 'packer', pass: config.packer.env }));
  } catch (error) {
    return [(error as Error).message];
  }
  let key: string;
  try {
    key = validationKey(config, entry, version);
  } catch (error) {
    return [`${entry.key}: ${(error as Error).message}`];
  }
  if (readCache(config)[entry.key] === key) return [];
  const scratch = mkdtempSync(join(tmpdir(), 'goldsmith-validate-'));
  try {
    // Proxmox and QEMU templates take variables their platform sets only at build time (the VMID, the output
    // folder, the seed): before the build, their HCL is checked for syntax; the rest is validated in full.
    const validateOnly = entry.platform === 'proxmox' || entry.platform === 'qemu' ? 'syntax-only' : 'full';
    const run = await runLinePacker({ config, entry, settings, outDir: scratch, graceMs: 5_000, signal: new AbortController().signal, onStage: () => undefined, onLine: () => undefined, validateOnly });
    if (run.result.preflightError) return [`${entry.key}: ${run.result.preflightError}`];
  } catch (error) {
    return [`${entry.key}: ${(error as Error).message}`];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!options.dryRun) {
    mkdirSync(config.state_dir, { recursive: true });
    writeFileSync(cacheFileOf(config), JSON.stringify({ ...readCache(config), [entry.key]: key }));
  }
  return [];
}
