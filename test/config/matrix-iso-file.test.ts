import { describe, expect, it } from 'vitest';
import { matrixSchema } from '../../src/config/matrix-schema.js';

const entry = (iso_file: string) => ({
  key: 'ubuntu-24.04',
  enabled: true,
  os: 'linux',
  dist: 'ubuntu',
  version: '24.04',
  platform: 'local',
  build_dir: 'ok',
  config: 'ok.pkrvars.hcl',
  base_name: 'tpl-ubuntu-2404',
  iso_file,
});

describe('matrix iso_file', () => {
  it('takes a file name, and refuses a path (it becomes a download path and a datastore path) naming the field', () => {
    expect(matrixSchema.safeParse([entry('ubuntu-24.04.3-live-server-amd64.iso')]).success).toBe(true);
    for (const bad of ['../../etc/cron.d/x.iso', 'iso/ubuntu.iso', 'a\\b.iso', '.hidden.iso']) {
      const parsed = matrixSchema.safeParse([entry(bad)]);
      expect(parsed.success, bad).toBe(false);
      const issue = parsed.error!.issues[0]!;
      expect(issue.path).toEqual([0, 'iso_file']);
      expect(issue.message).toContain("give the ISO's file name alone");
    }
  });
});
