import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeRecord, type WrittenRecord } from '../../src/evidence/write-record.js';
import { qemuInventory, seedQemuImage } from '../helpers/qemu-env.js';
import { runCli } from '../helpers/run-cli.js';
import { CHANNEL, OPS_LEAD, VISITOR, startSlackServeEnv, type SlackServeEnv } from '../helpers/slack-serve-env.js';
import { buildDetails } from '../helpers/write-chain.js';

/** A QEMU line whose live template may be 5 days old (the test builds finish on 2026-11-24). */
const LINE = 'test-qemu';
const BASE = 'img-test-qemu';
const QEMU_LINE = { key: LINE, enabled: false, os: 'linux', platform: 'qemu', dist: 'debian', version: '12', build_dir: 'ok', config: 'ok/ok.pkrvars.hcl', base_name: BASE, timeout_minutes: 5, max_age_days: 5 };

/** `<base>-build.qcow2` in the image directory and the build record naming it, as a finished build leaves them. */
async function sealBuild(s: SlackServeEnv, images: string, at: string): Promise<WrittenRecord> {
  await seedQemuImage(images, `${BASE}-build`);
  const file = join(images, `${BASE}-build.qcow2`);
  const log = join(s.env.dir, 'qemu.log');
  writeFileSync(log, `==> qemu: built at ${at}\n`);
  return writeRecord({
    root: s.env.config.records,
    signer: s.env.signer,
    content: {
      kind: 'build',
      log,
      details: buildDetails(LINE, {
        finished_at: at,
        target: { platform: 'qemu', image_directory: images, template_name: `${BASE}-build` },
        artifact: { artifact_id: `${BASE}-build.qcow2`, packer_run_uuid: null, builder_type: 'qemu' },
        image: { file: `${BASE}-build.qcow2`, sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), size: statSync(file).size, format: 'qcow2', virtual_size: 4 << 20 },
      }),
    },
  });
}

describe('goldsmith serve: /image revoke and /image unrevoke', () => {
  it('needs the revoke permission; revokes; promotion is refused naming it; the channel hears of a revoked live template; status flags it; unrevoke lets it through', async () => {
    const s = await startSlackServeEnv({ lines: [QEMU_LINE], yaml: 'qemu:\n  image_dir: images' });
    onTestFinished(() => s.close());
    const images = join(s.env.dir, 'images');
    const cli = (args: string[]) => runCli(['--config', s.env.configFile, ...args], { cwd: s.env.dir });
    const answer = async (text: string, user: string) => {
      const asked = await s.command(text, user);
      if (asked.json?.text) return asked.json.text;
      return String((await s.slack.waitFor(() => s.slack.responsesTo(asked.responseUrl)[0], 10_000, `the answer to ${text}`)).body.text);
    };

    const first = await sealBuild(s, images, '2026-11-20T08:00:00Z');
    expect((await cli(['promote', LINE])).exitCode).toBe(0);
    const second = await sealBuild(s, images, '2026-11-24T08:00:00Z');
    const secondTs = second.record.split('/').at(-1)!;

    expect(await answer(`revoke ${LINE} latest CVE-2026-1234`, VISITOR)).toMatch(/^:no_entry: Not done: you need the \*revoke\* permission: it is held by <!subteam\^S0OPS>/);
    expect(await answer(`revoke ${LINE} latest`, OPS_LEAD)).toMatch(/^:warning: give a reason: why this build must \(no longer\) be promoted/);
    expect(await answer(`revoke ${LINE}`, OPS_LEAD)).toContain('revoke needs a line, a build record and a reason');
    expect(await answer(`revoke ${LINE} 20200101T000000Z wrong ISO`, OPS_LEAD)).toContain(`Not done: there is no build record builds/${LINE}/20200101T000000Z`);
    expect(await answer(`unrevoke ${LINE} latest fine`, OPS_LEAD)).toContain(`Not done: ${second.record} is not revoked; nothing was written`);

    const revoked = await answer(`revoke ${LINE} ${secondTs.toLowerCase()} CVE-2026-1234: "openssl" <3.0.15 & friends`, OPS_LEAD);
    expect(revoked).toMatch(new RegExp(`^:no_entry: Revoked \`${second.record}\` of \\*${LINE}\\*: it can no longer be promoted\\. Record \`revocations/${LINE}/\\d{8}T\\d{6}Z\`\\.$`));
    const revocation = /`(revocations\/[^`]+)`/.exec(revoked)![1]!;
    expect(JSON.parse(readFileSync(join(s.env.config.records, revocation, 'run.json'), 'utf8'))).toMatchObject({
      action: 'revoke',
      requested_by: { source: 'slack', user: OPS_LEAD },
      reason: 'CVE-2026-1234: "openssl" <3.0.15 & friends',
      build: { record: second.record, sums_sha256: second.sumsSha256 },
    });
    const refused = await cli(['promote', LINE]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`${second.record} is revoked by ${revocation} (slack user ${OPS_LEAD}: CVE-2026-1234: "openssl" <3.0.15 & friends)`);
    expect(s.slack.messagesIn(CHANNEL).filter((message) => message.text.includes('revoked'))).toEqual([]);

    // The live template's build: the channel is told.
    const live = await answer(`revoke ${LINE} ${first.record} ships a debug user`, OPS_LEAD);
    expect(live).toContain('It is the live template');
    const told = await s.slack.waitFor(() => s.slack.messagesIn(CHANNEL).find((message) => message.text.includes('revoked')), 10_000, 'the channel notice');
    expect(told.text).toContain(`<@${OPS_LEAD}> revoked \`${first.record}\`, the build of the live template \`${BASE}\` of *${LINE}*: ships a debug user.`);

    const status = await answer('status', VISITOR);
    expect(status).toContain('*Live templates that need attention*');
    expect(status).toMatch(new RegExp(`:no_entry: ${LINE}: live template ${first.record} is revoked by revocations/${LINE}/\\d{8}T\\d{6}Z \\(ships a debug user\\) and is \\d+ days old \\(max_age_days 5\\): expired`));

    const metrics = await (await fetch(`${s.serve.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^goldsmith_template_expired\\{line="${LINE}"\\} 1$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^goldsmith_template_revoked\\{line="${LINE}"\\} 1$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^goldsmith_template_age_days\\{line="${LINE}"\\} ${Math.floor((Date.now() - Date.parse('2026-11-20T08:00:00Z')) / 86_400_000)}$`, 'm'));
    // Lines never promoted have no series.
    expect(metrics).not.toContain('goldsmith_template_age_days{line="test-ok"}');

    const lifted = await answer(`unrevoke ${LINE} latest the CVE does not apply`, OPS_LEAD);
    expect(lifted).toContain(`:white_check_mark: Lifted the revocation of \`${second.record}\``);
    const promoted = await cli(['promote', LINE]);
    expect(promoted.exitCode, promoted.stderr).toBe(0);
    expect(Object.keys(qemuInventory(images)).sort()).toEqual([BASE, `${BASE}-prev`]);
    const after = await (await fetch(`${s.serve.url}/metrics`)).text();
    expect(after).toMatch(new RegExp(`^goldsmith_template_revoked\\{line="${LINE}"\\} 0$`, 'm'));
    const audited = await cli(['audit']);
    expect(audited.exitCode, audited.stdout).toBe(0);
    expect(audited.stdout).toContain('3 revocations');
  });
});
