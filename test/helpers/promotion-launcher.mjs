#!/usr/bin/env node
// Runs `goldsmith promote` or `goldsmith rollback` from the built bundle (dist/bundle/) with an injected step hook,
// for the crash tests: at each point named by --pause-at (`<step>:started` once the step is journaled,
// `<step>:acted` once it acted but before its result is journaled) the process says so on stderr and
// waits for SIGUSR2, so a test can `kill -9` it exactly there, or stop the store before letting it go on.
//
//   node test/helpers/promotion-launcher.mjs --config goldsmith.yaml --pause-at rename-build:acted \
//     promote <line> [--requested-by alice]
//
// src/ reads no test seam from the environment: the hook is passed in here, as a function.
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    config: { type: 'string' },
    'pause-at': { type: 'string', multiple: true, default: [] },
    'requested-by': { type: 'string' },
  },
});
const [command, line] = positionals;

const bundle = new URL('../../dist/bundle/', import.meta.url);
const { loadConfig } = await import(new URL('load-config.js', bundle).href);
const { readSettings } = await import(new URL('settings.js', bundle).href);

const wanted = new Set(values['pause-at'].flatMap((point) => point.split(',')));
/** The step hook: pauses at the wanted points until SIGUSR2. */
const stepHook = async (point) => {
  if (!wanted.has(point)) return;
  await new Promise((resolve) => {
    // A timer keeps the event loop alive while we wait; the signal ends the wait.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    process.once('SIGUSR2', () => {
      clearInterval(keepAlive);
      resolve();
    });
    process.stderr.write(`goldsmith: paused at ${point} (pid ${process.pid}); send SIGUSR2 to go on\n`);
  });
};

try {
  if (command !== 'promote' && command !== 'rollback') throw new Error(`usage: promotion-launcher.mjs [--config FILE] [--pause-at POINT] promote|rollback <line>, not "${command}"`);
  const settings = readSettings();
  const config = loadConfig({ file: values.config, cwd: process.cwd(), paths: settings.paths });
  const options = { requestedBy: values['requested-by'], stepHook };
  const { promoteCommand } = await import(new URL('promote.js', bundle).href);
  const { rollbackCommand } = await import(new URL('rollback.js', bundle).href);
  const run = command === 'promote' ? promoteCommand : rollbackCommand;
  process.exitCode = await run(config, settings, line, options, process.stdout, process.stderr);
} catch (error) {
  process.stderr.write(`goldsmith: ${error.message}\n`);
  process.exitCode = error.exitCode ?? 1;
}
