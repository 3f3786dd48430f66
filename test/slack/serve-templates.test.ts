import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BUILDER, CHANNEL, OPS_LEAD, VISITOR, startSlackServeEnv, type SlackServeEnv } from '../helpers/slack-serve-env.js';
import { runCli } from '../helpers/run-cli.js';
import { startTestVcsim, TEMPLATES, type TestVcsim } from '../helpers/vcsim.js';

/** A vSphere line of the test matrix: its templates live in vcsim's /DC0/vm/Templates. */
const LINE = 'test-vs';
const ALIAS = 'vs';
const BASE = 'tpl-test-vs';
const VSPHERE_LINE = {
  key: LINE,
  aliases: [ALIAS],
  enabled: false,
  os: 'linux',
  platform: 'vsphere',
  dist: 'null',
  version: '1',
  build_dir: 'ok',
  config: 'ok/ok.pkrvars.hcl',
  base_name: BASE,
  timeout_minutes: 5,
};
const VSPHERE_YAML = ['vsphere:', '  datacenter: DC0', '  folder: Templates'].join('\n');

const buttonsOf = (blocks: unknown[]) => [...JSON.stringify(blocks).matchAll(/"action_id":"([^"]+)"/g)].map((match) => match[1]);

/**
 * A vcsim of the test's own with `<base>` and `<base>-prev` seeded, and
 * `goldsmith serve` on the null test lines plus the vSphere line, talking to
 * that vcsim with its GOVC_* environment: serve's real template store, no stand-in.
 */
async function start(): Promise<{ s: SlackServeEnv; sim: TestVcsim; current: string; previous: string }> {
  const sim = await startTestVcsim();
  const current = await sim.seedTemplate(BASE);
  const previous = await sim.seedTemplate(`${BASE}-prev`);
  const s = await startSlackServeEnv({ lines: [VSPHERE_LINE], yaml: VSPHERE_YAML, env: { ...sim.env, GOLDSMITH_GOVC_TIMEOUT: '20' } });
  onTestFinished(() => s.close());
  return { s, sim, current, previous };
}

async function listText(s: SlackServeEnv): Promise<string> {
  const answer = await s.command('list', VISITOR);
  expect(answer.status).toBe(200);
  expect(answer.text).toBe('');
  const listed = await s.slack.waitFor(() => s.slack.responsesTo(answer.responseUrl)[0], 20_000, 'the list');
  expect(listed.body.response_type).toBe('ephemeral');
  return String(listed.body.text);
}

describe('goldsmith serve: /image list and /image rollback on a real vcsim', () => {
  it('lists the vSphere line with the templates vCenter holds', async () => {
    const { s, sim } = await start();
    const text = await listText(s);
    expect(text).toMatch(new RegExp(`• \\*${LINE}\\* \\(${ALIAS}\\) _not in "all"_: current \`${BASE}\` · prev \`${BASE}-prev\` · last promotion: never promoted · last build: never built`));
    // The null lines are not vSphere lines: serve does not invent templates for them.
    expect(text).toMatch(/• \*test-ok\* \(ok\): templates unknown · last build: never built/);

    // It reads vCenter each time: a fresh -build shows up as awaiting promotion.
    await sim.seedTemplate(`${BASE}-build`);
    expect(await listText(s)).toContain(`current \`${BASE}\` · prev \`${BASE}-prev\` · awaiting promotion \`${BASE}-build\` · last promotion: never promoted`);
  });

  it('rolls back for real after the confirmation button, for holders of the rollback permission only', async () => {
    const { s, sim, current, previous } = await start();
    expect(Object.fromEntries(await sim.inventory())).toEqual({ [BASE]: current, [`${BASE}-prev`]: previous });

    const asked = await s.command(`rollback ${ALIAS}`, OPS_LEAD);
    expect(asked.json?.response_type).toBe('ephemeral');
    expect(asked.json?.text).toBe(`Roll back ${LINE}? ${BASE}-prev becomes ${BASE} again.`);
    expect(buttonsOf(asked.json?.blocks ?? [])).toEqual(['goldsmith_rollback_confirm', 'goldsmith_rollback_dismiss']);
    // Asking changes nothing in vCenter.
    expect(Object.fromEntries(await sim.inventory())).toEqual({ [BASE]: current, [`${BASE}-prev`]: previous });

    const refused = await s.press('goldsmith_rollback_confirm', LINE, BUILDER);
    const refusal = await s.slack.waitFor(() => s.slack.responsesTo(refused.responseUrl)[0], 5_000, 'the refusal');
    expect(refusal.body.text).toContain(':no_entry: Not rolled back: you need the *rollback* permission');
    expect(Object.fromEntries(await sim.inventory())).toEqual({ [BASE]: current, [`${BASE}-prev`]: previous });
    const records = join(s.env.config.records, 'promotions', LINE);
    expect(existsSync(records)).toBe(false);

    const confirmed = await s.press('goldsmith_rollback_confirm', LINE, OPS_LEAD);
    const outcome = await s.slack.waitFor(
      () => s.slack.responsesTo(confirmed.responseUrl).find((post) => /Rolled back|Rollback of .* failed/.test(String(post.body.text))),
      30_000,
      'the rollback outcome',
    );
    expect(outcome.body.replace_original).toBe(true);
    // The same confirmation sent again (captured on its way) is refused before it reaches the handler.
    const copy = await confirmed.resend();
    expect(copy.status).toBe(409);
    expect(copy.json?.text).toMatch(/^:no_entry: Not done: this request was already received at /);
    const said = String(outcome.body.text);
    expect(said).toMatch(
      new RegExp(
        `^:rewind: Rolled back \\*${LINE}\\*: rolled back ${LINE}: check \\(ok\\), rename ${BASE} to ${BASE}-rolledback-\\d{8}T\\d{6}Z \\(ok\\), rename ${BASE}-prev to ${BASE} \\(ok\\), verify \\(ok\\); record promotions/${LINE}/\\d{8}T\\d{6}Z$`,
      ),
    );

    // vCenter, seen through govc independently of goldsmith: the former -prev object is <base>, the replaced one is kept.
    const after = await sim.inventory();
    const rolledName = [...after.keys()].find((name) => name.startsWith(`${BASE}-rolledback-`));
    expect(rolledName).toMatch(new RegExp(`^${BASE}-rolledback-\\d{8}T\\d{6}Z$`));
    expect(Object.fromEntries(after)).toEqual({ [BASE]: previous, [rolledName!]: current });
    expect(said).toContain(rolledName!);
    const base = await sim.govc(['ls', '-i', `${TEMPLATES}/${BASE}`]);
    expect(base.stdout.trim()).toBe(previous);

    // The channel hears it, and the record is sealed under records/promotions/<line>/.
    await s.slack.waitFor(() => s.slack.messagesIn(CHANNEL).find((message) => message.text.startsWith(`:rewind: <@${OPS_LEAD}> rolled back *${LINE}*: rolled back ${LINE}:`)), 5_000, 'the channel announcement');
    const sealed = readdirSync(records).filter((name) => /^\d{8}T\d{6}Z$/.test(name));
    expect(sealed).toHaveLength(1);
    expect(said).toContain(`record promotions/${LINE}/${sealed[0]}`);
    const run = JSON.parse(readFileSync(join(records, sealed[0]!, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(run).toMatchObject({
      action: 'rollback',
      requested_by: { source: 'slack', user: OPS_LEAD },
      approved_by: [{ source: 'slack', user: OPS_LEAD }],
      target: { template_name: BASE },
    });
    expect((run.steps as Array<{ name: string; result: string }>).map((step) => `${step.name}: ${step.result}`)).toEqual([
      'check: ok',
      `rename ${BASE} to ${rolledName}: ok`,
      `rename ${BASE}-prev to ${BASE}: ok`,
      'verify: ok',
    ]);
    expect(readFileSync(join(records, sealed[0]!, 'run.json'), 'utf8')).not.toContain(sim.password);

    // /image list now shows what vCenter holds, and the rollback as the last promotion.
    expect(await listText(s)).toMatch(
      new RegExp(`• \\*${LINE}\\* \\(${ALIAS}\\) _not in "all"_: current \`${BASE}\` · prev none · last promotion: rollback \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC by ${OPS_LEAD} · last build: never built`),
    );

    // A second rollback has no -prev to go to: refused with the reason, vCenter untouched.
    const again = await s.press('goldsmith_rollback_confirm', LINE, OPS_LEAD);
    const failed = await s.slack.waitFor(() => s.slack.responsesTo(again.responseUrl).find((post) => /failed/.test(String(post.body.text))), 30_000, 'the refused second rollback');
    expect(failed.body.text).toContain(`:x: Rollback of *${LINE}* failed: ${LINE} has no ${BASE}-prev in ${TEMPLATES} to roll back to`);
    expect(Object.fromEntries(await sim.inventory())).toEqual({ [BASE]: previous, [rolledName!]: current });
    // "Rolling back…" and the outcome: nothing more came of the copy.
    expect(s.slack.responsesTo(confirmed.responseUrl)).toHaveLength(2);

    const dismissed = await s.press('goldsmith_rollback_dismiss', LINE, OPS_LEAD);
    expect((await s.slack.waitFor(() => s.slack.responsesTo(dismissed.responseUrl)[0], 5_000)).body.text).toBe(`Rollback of *${LINE}* dismissed; nothing changed.`);

    const audit = await runCli(['audit', s.env.config.records, '--allowed-signers', join(s.env.dir, 'keys', 'allowed_signers')]);
    expect(audit.exitCode, audit.stdout + audit.stderr).toBe(0);
    expect(audit.stdout).toContain('audited 2 records (1 init, 0 builds, 1 promotion): clean');
  });
});
