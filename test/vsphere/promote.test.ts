import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSimEnv, sumsDigest, UBUNTU, WINDOWS } from '../helpers/sim-env.js';
import { TEMPLATES } from '../helpers/vcsim.js';

const { line, base } = UBUNTU;

describe('goldsmith promote, on a real vcsim', () => {
  it('builds with real Packer, promotes twice (first with no <base>, then keeping -prev), and seals records that audit clean', async () => {
    const env = await makeSimEnv();
    await env.seedForBuilds();

    const build1 = await env.cli(['build', 'sim-ubuntu', '--wait']);
    expect(build1.exitCode, build1.stdout + build1.stderr).toBe(0);
    const first = await env.sim.inventory();
    expect([...first.keys()]).toEqual([`${base}-build`]);

    const promote1 = await env.cli(['promote', 'sim-ubuntu', '--requested-by', 'alice']);
    expect(promote1.exitCode, promote1.stdout + promote1.stderr).toBe(0);
    expect(promote1.stdout).toContain(`skipped  rename ${base} to ${base}-prev: no ${base} yet: first promotion of ${line}`);
    const afterFirst = await env.sim.inventory();
    expect(Object.fromEntries(afterFirst)).toEqual({ [base]: first.get(`${base}-build`) });

    // The rebuild goes through the same -build name: Packer gets the "(0)" datastore folder on its own.
    const build2 = await env.cli(['build', line, '--wait']);
    expect(build2.exitCode, build2.stdout + build2.stderr).toBe(0);
    const second = await env.sim.inventory();
    const promote2 = await env.cli(['promote', line, '--requested-by', 'alice']);
    expect(promote2.exitCode, promote2.stdout + promote2.stderr).toBe(0);
    expect(Object.fromEntries(await env.sim.inventory())).toEqual({ [base]: second.get(`${base}-build`), [`${base}-prev`]: first.get(`${base}-build`) });

    const runs = env.promotionRuns(line);
    expect(runs).toHaveLength(2);
    const latest = readFileSync(join(env.records, 'builds', line, 'latest', 'run.json'), 'utf8');
    const latestRecord = JSON.parse(latest).record as string;
    expect(runs[1]).toMatchObject({
      kind: 'promotion',
      action: 'promote',
      line,
      requested_by: { source: 'cli', user: 'alice' },
      approved_by: [{ source: 'cli', user: 'alice' }],
      build: { record: latestRecord, sums_sha256: sumsDigest(env.records, latestRecord) },
      target: { platform: 'vsphere', vcenter: env.sim.server, datacenter: 'DC0', folder: TEMPLATES, template_name: base },
      pull_request: null,
    });
    expect((runs[1]!.steps as Array<{ name: string; result: string }>).map((step) => `${step.name}: ${step.result}`)).toEqual([
      'check: ok',
      `destroy ${base}-prev: skipped`,
      `rename ${base} to ${base}-prev: ok`,
      `rename ${base}-build to ${base}: ok`,
      'verify: ok',
    ]);
    const log = readFileSync(join(env.records, runs[1]!.record, 'promote.log'), 'utf8');
    expect(log).toContain(`$ govc object.rename ${second.get(`${base}-build`)} ${base}`);
    expect(log).toContain('renaming');

    const templates = await env.cli(['templates', line]);
    expect(templates.exitCode, templates.stderr).toBe(0);
    expect(templates.stdout).toMatch(new RegExp(`base\\s+${base}\\s+VirtualMachine:vm-\\d+\\s+\\d{4}-\\d\\d-\\d\\dT`));
    expect(templates.stdout).toMatch(new RegExp(`prev\\s+${base}-prev\\s+VirtualMachine:vm-\\d+`));
    expect(templates.stdout).toContain('config.modified');

    const audit = await env.audit();
    expect(audit.exitCode, audit.stdout).toBe(0);
    expect(audit.stdout).toContain('5 records (1 init, 2 builds, 2 promotions): clean');
    // The password reached goldsmith three ways (GOVC_PASSWORD, PKR_VAR_vsphere_password, the URL in the next test) and is nowhere.
    for (const text of [env.everything(), promote1.stdout, promote2.stdout, build1.stdout, templates.stdout]) expect(text).not.toContain(env.sim.password);
  });

  // A missing <base>-build and a first promotion are in the store contract, run on vcsim by test/stores/vsphere.test.ts.

  it('refuses when the latest build record no longer hashes to the approved digest', async () => {
    const env = await makeSimEnv();
    await env.sim.seedTemplate(`${WINDOWS.base}-build`);
    const approved = await env.sealBuildRecord(WINDOWS.line, WINDOWS.base);
    const newer = await env.sealBuildRecord(WINDOWS.line, WINDOWS.base);
    const result = await env.cli(['promote', 'sim-win2025', '--expect-sums', approved.sumsSha256]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`the latest build record of ${WINDOWS.line} is ${newer.record}, whose SHA256SUMS has SHA-256 ${newer.sumsSha256}, not the approved ${approved.sumsSha256}`);
    expect([...(await env.sim.inventory()).keys()]).toEqual([`${WINDOWS.base}-build`]);
    const ok = await env.cli(['promote', 'sim-win2025', '--expect-sums', newer.sumsSha256]);
    expect(ok.exitCode, ok.stderr).toBe(0);
  });

  it('keeps the password out of every log, record and message when it is given inside GOVC_URL', async () => {
    const env = await makeSimEnv();
    await env.sim.seedTemplate(`${base}-build`);
    await env.sealBuildRecord(line, base);
    const secret = `url-${env.sim.password}/x@y`;
    const url = `https://tester:${encodeURIComponent(secret)}@${env.sim.server}/sdk`;
    const result = await env.cli(['promote', line], { GOVC_URL: url, GOVC_PASSWORD: '' });
    expect(result.exitCode, result.stderr).toBe(0);
    const everything = env.everything() + result.stdout + result.stderr;
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(encodeURIComponent(secret));
    // A failure message must not echo it either: an unknown folder path is harmless, a wrong URL is not.
    const broken = await env.cli(['templates'], { GOVC_URL: `https://tester:${encodeURIComponent(secret)}@127.0.0.1:1/sdk`, GOVC_PASSWORD: '' });
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toContain('check that vCenter 127.0.0.1:1 is up and reachable');
    expect(broken.stderr + broken.stdout).not.toContain(secret);
    expect(broken.stderr + broken.stdout).not.toContain(encodeURIComponent(secret));
  });
});
