import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WorkflowStep } from './actions-workflow.js';
import { isoNow, type Conclusion, type FakeArtifact, type FakeRun } from './actions-types.js';
import { writeZip, type ZipEntry } from './zip-archive.js';

/**
 * actions/upload-artifact@v4 as the fake runs it: every file under the
 * step's folder (hidden ones left out, as v4 does by default) in one zip,
 * named relative to that folder; `if-no-files-found` honoured; the
 * scenario's extra entries or padding added.
 */

type UploadStep = Extract<WorkflowStep, { kind: 'upload' }>;

/** Files under `dir`, named relative to it with `/`. */
function filesUnder(dir: string, includeHidden: boolean, prefix = ''): ZipEntry[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .sort()
    .filter((name) => includeHidden || !name.startsWith('.'))
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path, includeHidden, `${prefix}${name}/`) : [{ name: `${prefix}${name}`, data: readFileSync(path) }];
    });
}

/**
 * Runs the upload step for `run`, whose artifact is called `name`: adds the
 * artifact to `run.artifacts` (unless the scenario says it goes missing) and
 * returns the step's conclusion.
 */
export function uploadArtifact(run: FakeRun, step: UploadStep, name: string, artifactId: () => number, log: (line: string) => void): Conclusion {
  const { scenario } = run;
  const entries: ZipEntry[] = scenario.synthetic
    ? Object.entries(scenario.synthetic.files).map(([file, data]) => ({ name: file, data }))
    : run.workspace
      ? filesUnder(resolve(run.workspace, step.path), step.includeHiddenFiles)
      : [];
  log('##[group]Run actions/upload-artifact@v4');
  log(`with:\n  name: ${name}\n  path: ${step.path}\n  if-no-files-found: ${step.ifNoFilesFound}\n##[endgroup]`);
  if (entries.length === 0) {
    const message = `No files were found with the provided path: ${step.path}. No artifacts will be uploaded.`;
    log(step.ifNoFilesFound === 'error' ? `##[error]${message}` : `##[warning]${message}`);
    return step.ifNoFilesFound === 'error' ? 'failure' : 'success';
  }
  const extra = scenario.artifact;
  if (extra && extra !== 'missing' && 'extraEntries' in extra) entries.push(...extra.extraEntries);
  // Stored, not deflated: the listed size and the download both exceed whatever limit the test aims at.
  if (extra && extra !== 'missing' && 'padBytes' in extra) entries.push({ name: 'padding.bin', data: Buffer.alloc(extra.padBytes, 0x5a), method: 'store' });
  log(`With the provided path, there will be ${entries.length} files uploaded`);
  const zip = writeZip(entries);
  const digest = `sha256:${createHash('sha256').update(zip).digest('hex')}`;
  if (extra !== 'missing') {
    const expires = new Date(Date.now() + step.retentionDays * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const artifact: FakeArtifact = { id: artifactId(), runId: run.id, name, zip, digest, createdAt: isoNow(), expiresAt: expires, expired: false };
    run.artifacts.push(artifact);
  }
  log(`Artifact ${name} has been successfully uploaded! Final size is ${zip.length} bytes.`);
  log(`SHA256 digest of uploaded artifact zip is ${digest.slice('sha256:'.length)}`);
  return 'success';
}
