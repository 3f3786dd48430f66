import { accessSync, constants, lstatSync, mkdirSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { writeKeyFiles } from '../evidence/write-key-files.js';
import { findPackageRoot } from '../config/find-package-root.js';
import { INIT_KEY_DIR, INIT_KEY_FILES, INIT_LINE, initFiles } from './init-files.js';
import { UsageError } from './usage-error.js';

// A second config file beside ours would be read instead of, or confused with, goldsmith.yaml.
const OTHER_CONFIGS = ['goldsmith.yml', 'goldsmith.json'];

function statOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** What is in the way of writing `files` under `root`: existing files, and non-folders where a folder must go. */
function findObstacles(root: string, files: readonly string[]): string[] {
  const obstacles = new Set<string>();
  for (const file of files) {
    const path = join(root, file);
    // lstat, not exists: a dangling symlink would still make the exclusive write fail half-way.
    if (statOf(path)) obstacles.add(path);
    for (let dir = dirname(path); dir !== root && dir.startsWith(root); dir = dirname(dir)) {
      const stat = statOf(dir);
      if (stat && !stat.isDirectory()) obstacles.add(`${dir} (not a folder)`);
    }
  }
  return [...obstacles].sort();
}

/** The folder `goldsmith init` writes into: created if missing, refused when something else is there or it is read-only. */
function prepareRoot(root: string, shown: string): void {
  const stat = statOf(root);
  if (stat && !stat.isDirectory()) throw new UsageError(`init: ${shown} is not a folder; give a folder to write the project into (it is created if missing)`);
  try {
    if (stat) accessSync(root, constants.W_OK);
    else mkdirSync(root, { recursive: true });
  } catch (error) {
    throw new UsageError(`init: cannot write into ${shown}: ${(error as Error).message}; choose a folder you can write to`);
  }
}

/**
 * `goldsmith init [DIR]`: writes a working project into DIR (default: the
 * current folder): goldsmith.yaml, packer/matrix.json with the `hello` line
 * (Packer's null builder), its build folder, a signing key, .gitignore and
 * records/README.md. Never overwrites: when any of those files exists it
 * writes nothing and exits 2 (a UsageError) naming each one.
 *
 * @example
 * initCommand('golden-images', process.cwd(), process.stdout) // 0; then: cd golden-images && goldsmith build hello --wait
 */
export function initCommand(dir: string, cwd: string, stdout: NodeJS.WritableStream): number {
  const root = resolve(cwd, dir);
  const show = (path: string) => {
    const rel = relative(cwd, path);
    return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  const files = initFiles();
  if (statOf(root)?.isDirectory()) {
    const obstacles = findObstacles(root, [...files.map((file) => file.path), ...INIT_KEY_FILES, ...OTHER_CONFIGS]);
    if (obstacles.length > 0) {
      throw new UsageError(
        `init: nothing written, because ${obstacles.length === 1 ? 'this is' : 'these are'} in the way (init never overwrites):\n` +
          obstacles.map((path) => `  ${show(path)}\n`).join('') +
          `Choose another folder (goldsmith init NEW-FOLDER), or remove ${obstacles.length === 1 ? 'it' : 'them'} and run goldsmith init again` +
          // A key that already signed records is the chain's signer: losing it means a new key assessors must be told about.
          (obstacles.some((path) => path.includes(`${INIT_KEY_DIR}/signing.`)) ? ' (move a signing key aside rather than deleting it)' : ''),
      );
    }
  }
  prepareRoot(root, show(root));

  const key = writeKeyFiles(join(root, INIT_KEY_DIR), 'goldsmith');
  for (const file of files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text, { flag: 'wx' });
  }

  const docs = findPackageRoot();
  const doc = (name: string) => (docs ? join(docs, 'docs', name) : `docs/${name} (in goldsmith's documentation)`);
  const into = show(root);
  const width = Math.max(...[...files.map((file) => file.path), ...INIT_KEY_FILES].map((path) => path.length));
  stdout.write(
    [
      `wrote a goldsmith project into ${into}:`,
      ...files.map((file) => `  ${file.path.padEnd(width)}  ${file.about}`),
      `  ${INIT_KEY_FILES[0].padEnd(width)}  the record signing key (mode 0600; never commit it)`,
      `  ${INIT_KEY_FILES[1].padEnd(width)}  its public half`,
      `  ${INIT_KEY_FILES[2].padEnd(width)}  give this to assessors, through a channel they trust`,
      `  ${INIT_KEY_FILES[3].padEnd(width)}  its public half as PEM, for cosign and other verifiers of provenance.intoto.json`,
      `key fingerprint ${key.fingerprint}`,
      '',
      'Next:',
      // Quoted when the shell would split or expand it, so the line can be pasted as is.
      ...(into === '.' ? [] : [`  cd ${/^[\w./-]+$/.test(into) ? into : `'${into.replaceAll("'", "'\\''")}'`}`]),
      `  1. ${`goldsmith build ${INIT_LINE} --wait`.padEnd(31)}build the line and seal its record in records/`,
      `  2. ${'goldsmith audit records'.padEnd(31)}verify every record: hashes, chain, signatures`,
      `  3. read ${doc('operator.md')} (configuration, Slack, GitHub)`,
      `     and ${doc('lines.md')} (real vSphere, Proxmox and QEMU lines)`,
      '',
    ].join('\n'),
  );
  return 0;
}
