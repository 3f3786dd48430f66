import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import type { MatrixEntry } from '../config/matrix-schema.js';
import type { BuildDetails } from '../evidence/run-schema.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** The git commit of `dir`, with `-dirty` when it has uncommitted changes; null outside a repository. */
async function gitCommitOf(dir: string, env: Readonly<Record<string, string>>): Promise<string | null> {
  const head = await execa('git', ['-C', dir, 'rev-parse', 'HEAD'], { env, extendEnv: false, reject: false });
  if (head.exitCode !== 0) return null;
  const status = await execa('git', ['-C', dir, 'status', '--porcelain', '--', '.'], { env, extendEnv: false, reject: false });
  return `${String(head.stdout).trim()}${String(status.stdout).trim() ? '-dirty' : ''}`;
}

/** One digest over every `*.pkr.hcl` of the build folder: names and contents, in name order. */
function hclDigestOf(dir: string): string {
  const files = readdirSync(dir).filter((name) => name.endsWith('.pkr.hcl')).sort();
  return sha256(files.map((name) => `${sha256(readFileSync(join(dir, name)))}  ${name}\n`).join(''));
}

/**
 * What a line's template is made of, for run.json: its folder, git commit,
 * HCL digest, and the digests of the var-files it is built with.
 */
export async function describeTemplate(
  entry: MatrixEntry,
  packerDir: string,
  varFiles: readonly string[],
  repoDir: string,
  /** The environment git runs with (allow-listed: git needs no credential here). */
  env: Readonly<Record<string, string>>,
): Promise<Pick<BuildDetails, 'template' | 'var_files'>> {
  const dir = join(packerDir, entry.build_dir);
  return {
    template: { dir: relative(repoDir, dir), git_commit: await gitCommitOf(dir, env), hcl_sha256: hclDigestOf(dir) },
    var_files: varFiles.map((path) => ({ path: relative(repoDir, path), sha256: sha256(readFileSync(path)) })),
  };
}
