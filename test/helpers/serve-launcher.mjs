#!/usr/bin/env node
// Starts `goldsmith serve` from the built dist/ the way the CLI will, for
// tests and benchmarks, until src/cli.ts wires the `serve` command:
//
//   node test/helpers/serve-launcher.mjs --config goldsmith.yaml --port 0 --host 127.0.0.1 \
//     [--drain-seconds N] [--tuning JSON] [--templates-fixture FILE]
//
// --templates-fixture names a JSON file { "<line>": { current, previous, candidate, lastPromotion } }
// served as the template store, with rollback swapping current and previous in that file; it stands in
// for the vSphere promotion module until serve is given the real one.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'drain-seconds': { type: 'string' },
    tuning: { type: 'string' },
    'templates-fixture': { type: 'string' },
  },
});

const dist = new URL('../../dist/', import.meta.url);
const { loadConfig } = await import(new URL('config/load-config.js', dist).href);
const { serveCommand } = await import(new URL('commands/serve.js', dist).href);

function fixtureTemplates(file) {
  const read = () => JSON.parse(readFileSync(file, 'utf8'));
  return {
    templates: async (line) => read()[line] ?? { current: null, previous: null, candidate: null, lastPromotion: null },
    rollback: async (line, requester) => {
      const all = read();
      const entry = all[line];
      if (!entry?.previous) throw new Error(`${line} has no -prev template to roll back to`);
      all[line] = { ...entry, current: entry.previous, previous: entry.current, lastPromotion: { at: new Date().toISOString(), kind: 'rollback', by: `${requester.source}:${requester.user}` } };
      writeFileSync(file, JSON.stringify(all));
      return { summary: `${entry.previous} is current again; ${entry.current} is kept as the rollback` };
    },
  };
}

try {
  const config = loadConfig({ file: values.config, cwd: process.cwd(), env: process.env });
  process.exitCode = await serveCommand(config, {
    port: values.port,
    host: values.host,
    drainSeconds: values['drain-seconds'],
    env: process.env,
    tuning: values.tuning ? JSON.parse(values.tuning) : undefined,
    templates: values['templates-fixture'] ? fixtureTemplates(values['templates-fixture']) : undefined,
  });
} catch (error) {
  process.stderr.write(`goldsmith: ${error.message}\n`);
  process.exitCode = error.exitCode ?? 1;
}
