import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkImageDirectory, qemuInventory, seedQemuImage } from '../helpers/qemu-env.js';
import { OPS_LEAD, VISITOR, startSlackServeEnv } from '../helpers/slack-serve-env.js';

/** A QEMU line in the test matrix: its images live in <working folder>/images. */
const LINE = 'test-qemu';
const BASE = 'img-test-qemu';
const QEMU_LINE = { key: LINE, enabled: false, os: 'linux', platform: 'qemu', dist: 'debian', version: '12', build_dir: 'ok', config: 'ok/ok.pkrvars.hcl', base_name: BASE, timeout_minutes: 5 };

describe('goldsmith serve: /image list and /image rollback for a QEMU line, through the same template store interface', () => {
  it('lists the images the image directory holds and rolls back for real', async () => {
    const s = await startSlackServeEnv({ lines: [QEMU_LINE], yaml: 'qemu:\n  image_dir: images' });
    onTestFinished(() => s.close());
    const images = join(s.env.dir, 'images');
    const previous = await seedQemuImage(images, `${BASE}-prev`);
    const current = await seedQemuImage(images, BASE);

    const asked = await s.command('list', VISITOR);
    const listed = await s.slack.waitFor(() => s.slack.responsesTo(asked.responseUrl)[0], 20_000, 'the list');
    expect(String(listed.body.text)).toContain(`• *${LINE}* _not in "all"_: current \`${BASE}\` · prev \`${BASE}-prev\` · last promotion: never promoted · last build: never built`);
    // Lines without a store say so once, not once each.
    expect(String(listed.body.text).match(/lines of platform "local" keep no templates/g)).toHaveLength(1);

    const confirmed = await s.press('goldsmith_rollback_confirm', LINE, OPS_LEAD);
    const outcome = await s.slack.waitFor(() => s.slack.responsesTo(confirmed.responseUrl).find((post) => /Rolled back|failed/.test(String(post.body.text))), 30_000, 'the rollback outcome');
    expect(String(outcome.body.text)).toMatch(new RegExp(`^:rewind: Rolled back \\*${LINE}\\*: rolled back ${LINE}: check \\(ok\\), rename ${BASE} to ${BASE}-rolledback-\\d{8}T\\d{6}Z \\(ok\\), rename ${BASE}-prev to ${BASE} \\(ok\\), verify \\(ok\\); record promotions/${LINE}/`));
    const after = qemuInventory(images);
    const rolledBack = Object.keys(after).find((name) => name.startsWith(`${BASE}-rolledback-`))!;
    expect(after).toEqual({ [BASE]: previous, [rolledBack]: current });
    expect(checkImageDirectory(images)).toEqual([]);
  });
});
