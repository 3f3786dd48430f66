import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../../../config/load-config.js';
import type { Settings } from '../../../config/settings.js';
import type { BuildDetails } from '../../../evidence/run-schema.js';
import { checkImage, describeChecklistFailure } from './check-image.js';
import { loadLineImagesYaml } from './check-image-metadata.js';
import type { ImageCheck } from './qemu-build-hooks.js';

/**
 * The image checklist as the QEMU build hooks' `checkImage`: reads the line's
 * `.images.yaml`, runs checkImage on the image Packer wrote (scratch in
 * `<jobDir>/checklist`, progress and timings appended to
 * `<jobDir>/checklist.log`), and fails the build naming every failing
 * check; on success its facts are run.json's `checks` and `image`.
 *
 * @example
 * qemuBuildHooks({ config, settings, checkImage: imageChecklistHook({ config, settings }) })
 */
export function imageChecklistHook(options: { config: LoadedConfig; settings: Settings; boot?: boolean | undefined }): ImageCheck {
  return async (image, _job, entry, jobDir) => {
    const log = (line: string) => appendFileSync(join(jobDir, 'checklist.log'), `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
    let imagesYaml;
    try {
      imagesYaml = loadLineImagesYaml({ config: options.config, entry });
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
    const result = await checkImage({
      image: image.path,
      line: entry.key,
      imagesYaml,
      settingsEnv: options.settings.childEnv({ family: 'none' }),
      workDir: join(jobDir, 'checklist'),
      boot: options.boot,
      onProgress: log,
    });
    for (const check of result.checks) log(`${check.result} ${check.name}: ${check.detail}`);
    const failure = describeChecklistFailure(result);
    if (failure) return { ok: false, reason: failure };
    // Named as it will be in the image directory (`<base>-build.qcow2`); the hash is the same file's.
    const facts: Partial<BuildDetails> = { checks: result.checks, image: { ...result.image, file: image.finalFile } };
    return { ok: true, facts };
  };
}
