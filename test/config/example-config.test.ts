import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load-config.js';

describe('goldsmith.example.yaml', () => {
  it('is a valid configuration, so the documented example works as shown', () => {
    const file = fileURLToPath(new URL('../../goldsmith.example.yaml', import.meta.url));
    const config = loadConfig({ file, cwd: '/', paths: { config: undefined, records: undefined, signingKey: undefined } });
    expect(config.file).toBe(file);
    expect(config.github.repository).toBe('acme/golden-images');
    expect(config.slack.permissions.rollback).toEqual(['U0LEADENG']);
    expect(config.proxmox).toEqual({ node: 'pve', ca_file: fileURLToPath(new URL('../../pve-root-ca.pem', import.meta.url)), vmid_block: 10, task_timeout_minutes: 30 });
  });
});
