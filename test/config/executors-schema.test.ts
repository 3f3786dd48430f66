import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executorKindOf } from '../../src/config/executor-kind-of.js';
import { loadConfig } from '../../src/config/load-config.js';
import { readActionsSettings } from '../../src/config/read-actions-settings.js';
import { makeTempDir } from '../helpers/write-chain.js';

const NO_PATHS = { config: undefined, records: undefined, signingKey: undefined };

function load(yaml: string) {
  const dir = makeTempDir();
  writeFileSync(join(dir, 'goldsmith.yaml'), yaml);
  return loadConfig({ cwd: dir, paths: NO_PATHS });
}

describe('executors in goldsmith.yaml', () => {
  it('builds locally by default; a line or the default may build on github-actions, with its defaults filled in', () => {
    expect(executorKindOf(load('').executors, 'win2025')).toBe('local');
    const config = load(['executors:', '  lines:', '    win2025: github-actions', '  github_actions:', '    repository: acme/images'].join('\n'));
    expect(executorKindOf(config.executors, 'win2025')).toBe('github-actions');
    expect(executorKindOf(config.executors, 'debian-12')).toBe('local');
    expect(config.executors.github_actions).toEqual({ repository: 'acme/images', workflow: 'goldsmith-build.yml', ref: 'main', concurrency: 3, appear_timeout_minutes: 5, queue_timeout_minutes: 60, artifact_max_mb: 512, poll_seconds: 2 });
  });

  it('names the field and the fix: github-actions without its settings, an unknown executor, a bad repository or workflow', () => {
    expect(() => load('executors:\n  default: github-actions\n')).toThrow(
      'goldsmith.yaml: executors.github_actions: default build on github-actions, which is not configured: add executors.github_actions with repository (owner/name) and workflow (docs/executors.md)',
    );
    expect(() => load('executors:\n  lines:\n    win2025: gha\n')).toThrow('goldsmith.yaml: executors.lines.win2025: use one of "local", "github-actions"');
    expect(() => load('executors:\n  github_actions:\n    repository: images\n')).toThrow('goldsmith.yaml: executors.github_actions.repository: use "owner/name" of the repository that holds the workflow');
    expect(() => load('executors:\n  github_actions:\n    repository: acme/images\n    workflow: build templates\n')).toThrow('give the workflow file name, for example "goldsmith-build.yml"');
    expect(() => load('executors:\n  github_actions:\n    repository: acme/images\n    token: ghp_x\n')).toThrow(/secrets come from the environment only/);
  });
});

describe('readActionsSettings', () => {
  it('takes GITHUB_TOKEN first, else the GitHub App, and says what to set when neither is there', () => {
    expect(readActionsSettings({ GITHUB_TOKEN: 'github_pat_0123456789' }, '.')).toEqual({ apiBase: 'https://api.github.com', auth: { kind: 'token', token: 'github_pat_0123456789' } });
    expect(readActionsSettings({ GITHUB_TOKEN: 't0ken-value', GITHUB_API_URL: 'https://ghe.example.internal/api/v3/' }, '.').apiBase).toBe('https://ghe.example.internal/api/v3');
    expect(() => readActionsSettings({}, '.')).toThrow(/set GITHUB_TOKEN to a token with Actions: write .* or configure the GitHub App \(APP_ID, PRIVATE_KEY_PATH, WEBHOOK_SECRET\)/);
  });
});
