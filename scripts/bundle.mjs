// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/, what bin/goldsmith.js runs.
// Why: Node 20's ES module loader costs ~0.5 ms per file, and a command loaded ~380 of them
// (zod and execa alone are 200): a third of every command's start-up. The bundle loads a few.
//
//   node scripts/bundle.mjs        (npm run build runs it after tsc)
//
// Every file lands flat in dist/bundle/: the workers are found beside the chunk that starts
// them (new URL('./hash-worker.js', import.meta.url)), so no chunk may sit in a sub-folder.
// Packages that are CommonJS with native or dynamic loading (better-sqlite3, Bolt, Probot,
// pino, ws, yauzl) stay in node_modules; the ESM ones every command loads are inlined.
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = new URL('../', import.meta.url);
const INLINED = new Set(['zod', 'execa', 'yaml', 'commander']);
const { dependencies } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const external = Object.keys(dependencies).filter((name) => !INLINED.has(name));
const isExternal = (id) => external.some((name) => id === name || id.startsWith(`${name}/`));

// The entry points: the CLI, the two worker threads, and what test/helpers' launchers import
// (their hooks must reach the very module instances the CLI uses, so they load the bundle's).
const input = {
  cli: 'dist/cli.js',
  'hash-worker': 'dist/audit/hash-worker.js',
  'trailing-hash-worker': 'dist/pipeline/media/trailing-hash-worker.js',
  'load-config': 'dist/config/load-config.js',
  settings: 'dist/config/settings.js',
  'store-registry': 'dist/pipeline/stores/registry.js',
  'qemu-build-hooks': 'dist/pipeline/stores/qemu/qemu-build-hooks.js',
  promote: 'dist/commands/promote.js',
  rollback: 'dist/commands/rollback.js',
  serve: 'dist/commands/serve.js',
};

const started = performance.now();
const out = new URL('dist/bundle/', root);
rmSync(out, { recursive: true, force: true });
const { output } = await build({
  cwd: fileURLToPath(root),
  input,
  platform: 'node',
  external: isExternal,
  logLevel: 'warn',
  write: true,
  output: { dir: fileURLToPath(out), format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
});
console.log(`bundle: ${output.length} files in dist/bundle/ (${Math.round(performance.now() - started)} ms)`);
