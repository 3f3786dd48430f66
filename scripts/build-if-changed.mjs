// `npm run build`, unless dist/ was already built from these very sources: the test command
// builds in scripts/ensure-ready, then vitest's global set-up would build again, and the real
// QEMU image test a third time (~14 s of tsc each).
//
//   node scripts/build-if-changed.mjs
//
// The digest covers every file under src/ (path and content, so a deleted file counts), the
// tsconfig files, package.json (the bundle inlines or leaves out its dependencies), the
// lockfile and the bundler script; it is written to dist/.source-digest
// only after a build succeeded.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(REPO, 'dist', '.source-digest');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json', 'scripts/bundle.mjs'];

/** Every file under `path` (or `path` itself), sorted. */
function filesOf(path) {
  if (!existsSync(path)) return [];
  try {
    return readdirSync(path, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((entry) => (entry.isDirectory() ? filesOf(join(path, entry.name)) : [join(path, entry.name)]));
  } catch (error) {
    if (error.code === 'ENOTDIR') return [path];
    throw error;
  }
}

const hash = createHash('sha256');
for (const file of INPUTS.flatMap((input) => filesOf(join(REPO, input)))) hash.update(`${relative(REPO, file)}\0`).update(readFileSync(file)).update('\0');
const digest = hash.digest('hex');

if (existsSync(join(REPO, 'dist', 'bundle', 'cli.js')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === digest) {
  console.log('build: dist/ is current, skipped');
} else {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
  writeFileSync(STAMP, `${digest}\n`);
}
