import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { findInfraBinary } from '../../src/pipeline/stores/vsphere/find-infra-binary.js';
import { Govc } from '../../src/pipeline/stores/vsphere/govc.js';
import { readVsphereConnection } from '../../src/pipeline/stores/vsphere/read-vsphere-connection.js';
import { VsphereFolder } from '../../src/pipeline/stores/vsphere/vsphere-folder.js';
import { makeSimEnv, UBUNTU } from '../helpers/sim-env.js';
import { startTestVcsim, TEMPLATES } from '../helpers/vcsim.js';
import { TEST_SETTINGS } from '../helpers/test-settings.js';
import { Settings } from '../../src/config/settings.js';

const config = loadConfig({ cwd: '/', paths: { config: undefined, records: undefined, signingKey: undefined } });

describe('the vSphere templates folder (govc on a real vcsim)', () => {
  it('finds by path, treats an empty answer as missing, reads creation times, renames and destroys by reference, and logs scrubbed', async () => {
    const sim = await startTestVcsim();
    const log: string[] = [];
    const connection = readVsphereConnection(Settings.from({ ...sim.env, GOVC_DATACENTER: 'DC0' }).govc(), config);
    expect(connection.folder).toBe(TEMPLATES);
    const govc = new Govc({ connection, binary: findInfraBinary('govc', TEST_SETTINGS.paths), log: (text: string) => log.push(text) });
    try {
      const store = new VsphereFolder(govc, TEMPLATES);
      expect(await store.list()).toEqual([]);
      expect(await store.find('nope')).toBeUndefined();
      const moref = await sim.seedTemplate('a-build');
      expect(await store.find('a-build')).toEqual({ moref, name: 'a-build', path: `${TEMPLATES}/a-build` });
      const info = await store.describe({ moref, path: `${TEMPLATES}/a-build` });
      expect(info).toMatchObject({ template: true, createdFrom: 'config.modified' });
      expect(Date.now() - Date.parse(info!.createdAt!)).toBeLessThan(60_000);
      await store.rename(moref, 'a');
      expect(await store.find('a-build')).toBeUndefined();
      expect(await store.nameOf(moref)).toBe('a');
      await store.destroy(moref);
      expect(await store.nameOf(moref)).toBeUndefined();
      expect(await store.list()).toEqual([]);
      const text = log.join('');
      expect(text).toContain(`$ govc object.rename ${moref} a`);
      expect(text).not.toContain(sim.password);
    } finally {
      govc.close();
    }
  });

  it('refuses to guess between two objects of one name (vCenter allows it), naming both, and a promotion touches nothing', async () => {
    const env = await makeSimEnv();
    const { line, base } = UBUNTU;
    // Renamed templates keep their files in <old name>/, so a clone to the new name succeeds: two objects at one path.
    const first = await env.sim.seedTemplate(base);
    expect((await env.sim.govc(['vm.clone', '-vm', '/DC0/vm/DC0_C0_RP0_VM0', '-pool', '/DC0/host/DC0_C0/Resources', '-folder', TEMPLATES, '-on=false', base])).exitCode).toBe(0);
    const second = (await env.sim.govc(['ls', '-i', `${TEMPLATES}/${base}`])).stdout.trim().split('\n').find((moref) => moref !== first)!;
    const build = await env.sim.seedTemplate(`${base}-build`);
    await env.sealBuildRecord(line, base);
    const result = await env.cli(['promote', line]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`2 objects are named ${TEMPLATES}/${base} (${first}, ${second})`);
    expect(result.stderr).toContain('nothing was changed');
    const { stdout } = await env.sim.govc(['ls', '-i', `${TEMPLATES}/${base}`]);
    expect(stdout.trim().split('\n').sort()).toEqual([first, second].sort());
    expect((await env.sim.inventory()).get(`${base}-build`)).toBe(build);
  });

  it('names the variable to set when the vSphere connection is missing', async () => {
    const env = await makeSimEnv();
    const result = await env.cli(['templates'], { GOVC_URL: '' });
    expect(result.exitCode, 'a missing setting is a usage error').toBe(2);
    expect(result.stderr).toContain('GOVC_URL is not set: export GOVC_URL=https://vcenter.example.internal/sdk, GOVC_USERNAME and GOVC_PASSWORD');
  });
});
