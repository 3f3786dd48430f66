import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('goldsmith --version', () => {
  it("prints package.json's version from the bundle bin/goldsmith.js runs, exit 0", async () => {
    expect(readFileSync(new URL('../../bin/goldsmith.js', import.meta.url), 'utf8')).toContain("import '../dist/bundle/cli.js';");
    const result = await runCli(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(version);
  });
});
