import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageDirectory } from '../../src/pipeline/stores/qemu/image-directory.js';
import { checkImageDirectory, makeQemuEnv, QEMU_LINE } from '../helpers/qemu-env.js';

const { line, base } = QEMU_LINE;
const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the qemu store refuses a -build that is not what the approved record sealed', () => {
  it('an image changed after its record was sealed (sidecar rewritten to match) is refused, from the file itself; nothing changes', async () => {
    const env = await makeQemuEnv();
    const current = await env.seedImage(base);
    const build = await env.seedImage(`${base}-build`);
    const record = await env.sealBuildRecord();
    const image = join(env.images, `${base}-build.qcow2`);
    const sealed = sha256Of(image);
    appendFileSync(image, 'tampered');
    writeFileSync(join(env.images, `${base}-build.sha256`), `${sha256Of(image)}  ${base}-build.qcow2\n`);
    const result = await env.cli(['promote', line]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${image} has SHA-256 ${sha256Of(image)}, not the ${sealed} that ${record.record} sealed: the image changed after its build, or is another build's`);
    expect(result.stderr).toContain('nothing was changed');
    expect(env.inventory()).toEqual({ [base]: current, [`${base}-build`]: build });
    expect(env.promotionRuns()).toEqual([]);
  });

  it('a sidecar that disagrees with the image is refused too', async () => {
    const env = await makeQemuEnv();
    await env.seedImage(`${base}-build`);
    await env.sealBuildRecord();
    writeFileSync(join(env.images, `${base}-build.sha256`), `${'e'.repeat(64)}  ${base}-build.qcow2\n`);
    const result = await env.cli(['promote', line]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${base}-build.sha256 lists ${'e'.repeat(64)}, but ${base}-build.qcow2 hashes to`);
  });

  it('a record that names no image is refused, with the fix', async () => {
    const env = await makeQemuEnv();
    await env.seedImage(`${base}-build`);
    const record = await env.sealBuildRecord({ image: null });
    const result = await env.cli(['promote', line]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${record.record} names no image SHA-256 to check ${base}-build.qcow2 against (its run.json has no image): rebuild the line (goldsmith build ${line} --wait)`);
  });

  it('a -build that is no qcow2 is refused', async () => {
    const env = await makeQemuEnv();
    await env.seedImage(`${base}-build`);
    writeFileSync(join(env.images, `${base}-build.qcow2`), 'not an image\n');
    await env.sealBuildRecord();
    const result = await env.cli(['promote', line]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${base}-build.qcow2 (inode:`);
    expect(result.stderr).toContain('is not a qcow2 image');
  });
});

describe('a rename cut short inside the store (sidecars moved, image not yet)', () => {
  it('is finished by the retry: the sidecars follow their image, whichever name it ends with', async () => {
    const env = await makeQemuEnv();
    const prev = await env.seedImage(`${base}-prev`);
    const current = await env.seedImage(base);
    const build = await env.seedImage(`${base}-build`);
    await env.sealBuildRecord();
    // Killed as "rename <base> to <base>-prev" had journaled its start…
    const run = env.spawnPromotion(['promote', line], 'rename-base:started');
    await run.paused;
    process.kill(run.child.pid!, 'SIGKILL');
    await run.child;
    // …and, in the store, had written its intent and moved the sidecars, but not the image.
    const ref = new ImageDirectory(env.images, undefined).find(base)!.ref;
    writeFileSync(join(env.images, `.rename-${ref.replace(/[^0-9A-Za-z]+/g, '-')}.json`), `${JSON.stringify({ ref, from: base, to: `${base}-prev` })}\n`);
    renameSync(join(env.images, `${base}.images.yaml`), join(env.images, `${base}-prev.images.yaml`));
    const sums = readFileSync(join(env.images, `${base}.sha256`), 'utf8');
    writeFileSync(join(env.images, `${base}-prev.sha256`), sums.replace(`${base}.qcow2`, `${base}-prev.qcow2`));
    rmSync(join(env.images, `${base}.sha256`));
    expect(checkImageDirectory(env.images)).not.toEqual([]);

    const retry = await env.cli(['promote', line]);
    expect(retry.exitCode, retry.stdout + retry.stderr).toBe(0);
    expect(env.inventory()).toEqual({ [base]: build, [`${base}-prev`]: current });
    expect(checkImageDirectory(env.images)).toEqual([]);
    expect(prev).not.toBe(current);
    const log = readFileSync(join(env.config.records, env.promotionRuns()[0]!.record, 'promote.log'), 'utf8');
    expect(log).toContain(`finishing an interrupted rename of ${ref}`);
  });
});

describe('QEMU builds through the job queue (a null-builder stand-in writes the qcow2 where Packer is told to)', () => {
  it('puts the image into the image directory as <base>-build with its sidecars, names it in the record, and promotes it; a rebuild replaces an unpromoted one', async () => {
    const env = await makeQemuEnv();
    const first = await env.cli(['build', line, '--wait']);
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    const image = join(env.images, `${base}-build.qcow2`);
    expect(checkImageDirectory(env.images)).toEqual([]);
    expect(readFileSync(join(env.images, `${base}-build.images.yaml`), 'utf8')).toBe(readFileSync(join(env.dir, 'packer', 'fake-image', '.images.yaml'), 'utf8'));
    const records = join(env.config.records, 'builds', line, 'latest', 'run.json');
    const run1 = JSON.parse(readFileSync(records, 'utf8'));
    expect(run1.image).toEqual({ file: `${base}-build.qcow2`, sha256: sha256Of(image), size: readFileSync(image).length, format: 'qcow2', virtual_size: 4 << 20, checksum_file: 'image.sha256' });
    expect(run1.checks).toEqual([{ name: 'stand-in', result: 'pass', detail: 'the test launcher replaced the image checklist' }]);
    expect(run1.target).toEqual({ platform: 'qemu', image_directory: env.images, template_name: `${base}-build` });
    const built1 = env.inventory()[`${base}-build`];

    const second = await env.cli(['build', line, '--wait']);
    expect(second.exitCode, second.stdout + second.stderr).toBe(0);
    expect(Object.keys(env.inventory())).toEqual([`${base}-build`]);
    expect(env.inventory()[`${base}-build`]).not.toBe(built1);
    expect(readFileSync(join(env.config.state_dir, 'jobs', '2', 'prepare.log'), 'utf8')).toContain(`# removing the stale, unpromoted ${base}-build.qcow2`);

    const templates = await env.cli(['templates', line]);
    expect(templates.stdout).toMatch(new RegExp(`${line}\\s+build\\s+${base}-build\\s+inode:\\d+`));
    const promote = await env.cli(['promote', line]);
    expect(promote.exitCode, promote.stdout + promote.stderr).toBe(0);
    expect(promote.stdout).toContain(`${base}-build.qcow2 has SHA-256 ${JSON.parse(readFileSync(records, 'utf8')).image.sha256}`);
    expect(Object.keys(env.inventory())).toEqual([base]);
    expect(checkImageDirectory(env.images)).toEqual([]);
    expect(env.promotionRuns()[0]).toMatchObject({ target: { platform: 'qemu', image_directory: env.images, template_name: base } });
    expect((await env.audit()).exitCode).toBe(0);
    expect(existsSync(join(env.config.state_dir, 'jobs', '2', 'output', 'packer-fake')), "Packer's image was moved, not copied").toBe(false);
  });
});
