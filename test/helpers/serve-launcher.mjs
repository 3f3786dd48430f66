#!/usr/bin/env node
// Starts `goldsmith serve` from the built bundle (dist/bundle/) the way the CLI does, with
// tuning the CLI does not take, for tests and benchmarks:
//
//   node test/helpers/serve-launcher.mjs --config goldsmith.yaml --port 0 --host 127.0.0.1 \
//     [--drain-seconds N] [--tuning JSON]
//
// The template stores are serve's own: each line's platform's, from the store registry (vSphere over
// govc with the GOVC_* environment; QEMU in qemu.image_dir).
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'drain-seconds': { type: 'string' },
    tuning: { type: 'string' },
  },
});

const bundle = new URL('../../dist/bundle/', import.meta.url);
const { loadConfig } = await import(new URL('load-config.js', bundle).href);
const { serveCommand } = await import(new URL('serve.js', bundle).href);
const { readSettings } = await import(new URL('settings.js', bundle).href);

try {
  const settings = readSettings();
  const config = loadConfig({ file: values.config, cwd: process.cwd(), paths: settings.paths });
  process.exitCode = await serveCommand(config, {
    port: values.port,
    host: values.host,
    drainSeconds: values['drain-seconds'],
    settings,
    tuning: values.tuning ? JSON.parse(values.tuning) : undefined,
  });
} catch (error) {
  process.stderr.write(`goldsmith: ${error.message}\n`);
  process.exitCode = error.exitCode ?? 1;
}
