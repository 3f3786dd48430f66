import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MatrixEntry } from '../../../config/matrix-schema.js';
import type { BuildDetails } from '../../../evidence/run-schema.js';
import type { AfterPackerResult } from '../../build-hooks.js';
import type { Job } from '../../job-types.js';
import { templateNamesOf } from '../template-names.js';
import type { StoreBuildHooks, StoreContext } from '../template-store.js';
import { findPackerImage, type PackerImage } from './find-packer-image.js';
import { imageFileOf, METADATA_SUFFIX, SUM_SUFFIX } from './image-directory.js';
import { installBuildImage } from './install-build-image.js';
import { packerOutputDirOf } from './packer-output-dir.js';
import { QemuTemplateStore } from './qemu-template-store.js';
import { imagesYamlPackerVars } from '../../../config/images-yaml-packer-vars.js';
import { writeQemuBuildSeed } from './boot-image-build-seed.js';
import { qemuBuildSeedVars } from './boot-image-build-vars.js';
import { loadLineImagesYaml } from './check-image-metadata.js';

/** The image a build made, as the checks after Packer see it (still in Packer's output folder). */
export interface BuiltImage extends PackerImage {
  /** What it will be called in the image directory: `<base>-build.qcow2`. */
  finalFile: string;
  imageDir: string;
  /** The line's `.images.yaml` (it may not exist). */
  metadata: string;
}

/**
 * A check of a freshly built image, run after Packer and before the image
 * enters the image directory or any record is sealed: `{ ok: false, reason }`
 * fails the build (name the check and the fix); `facts` are merged into
 * run.json's build details (`checks`, a richer `image`).
 */
export type ImageCheck = (image: BuiltImage, job: Job, entry: MatrixEntry, jobDir: string) => Promise<AfterPackerResult>;

export interface QemuBuildHooksOptions extends Omit<StoreContext, 'log' | 'location'> {
  /** The image checklist (offline inspection, boot): none when omitted. */
  checkImage?: ImageCheck | undefined;
}

/** The `.images.yaml` of a line: in its build folder. */
export function imagesYamlOf(packerMatrix: string, entry: MatrixEntry): string {
  return join(dirname(packerMatrix), entry.build_dir, '.images.yaml');
}

/**
 * The work around a QEMU build:
 *
 * - before Packer: remove a stale `<base>-build.qcow2` (and its sidecars)
 *   from the image directory, creating the directory if needed;
 * - Packer gets `PKR_VAR_output_directory=<jobDir>/output`;
 * - after Packer: find the one qcow2 it wrote there (checked against the
 *   checksum post-processor's file), run `checkImage` (which may fail the
 *   build), then move it into the image directory as `<base>-build.qcow2`
 *   with `<base>-build.sha256` and a copy of the line's `.images.yaml`, and
 *   return the image's facts for run.json (`image`: file, sha256, size,
 *   format, virtual_size), merged under the check's own facts;
 * - `builtRef`: the installed image's inode.
 *
 * The file operations go to `prepare.log` in the job's folder.
 *
 * @example
 * const hooks = qemuBuildHooks({ config, settings, checkImage: runChecklist });
 */
export function qemuBuildHooks(options: QemuBuildHooksOptions): StoreBuildHooks {
  const storeOf = (jobDir: string) => new QemuTemplateStore({ config: options.config, log: (text) => appendFileSync(join(jobDir, 'prepare.log'), text, { mode: 0o600 }) });
  return {
    async beforePacker(_job, entry, jobDir) {
      // A wrong .images.yaml (say, os_admin_user) would otherwise show up as a 20-minute SSH timeout.
      loadLineImagesYaml({ config: options.config, entry });
      const store = storeOf(jobDir);
      const build = templateNamesOf(entry.base_name).build;
      mkdirSync(store.location, { recursive: true });
      const stale = await store.find(build);
      if (stale) {
        store.note(`# removing the stale, unpromoted ${imageFileOf(build)} (${stale.ref}) before building it again`);
        await store.destroy(stale.ref);
      } else store.note(`# no stale ${imageFileOf(build)} to clear`);
      for (const suffix of [SUM_SUFFIX, METADATA_SUFFIX]) rmSync(join(store.location, `${build}${suffix}`), { force: true });
      rmSync(packerOutputDirOf(jobDir), { recursive: true, force: true });
      // The build VM's cloud-init seed: a throwaway key for Packer's SSH, never kept in the image.
      await writeQemuBuildSeed({ jobDir, env: options.settings.childEnv({ family: 'none' }) });
    },
    afterPackerStage: 'checking the image',
    packerEnv: (_job, entry, jobDir) => ({
      ...qemuBuildSeedVars(jobDir),
      ...imagesYamlPackerVars(loadLineImagesYaml({ config: options.config, entry })),
      PKR_VAR_output_directory: packerOutputDirOf(jobDir),
    }),
    async afterPacker(job, entry, jobDir) {
      const found = await findPackerImage(packerOutputDirOf(jobDir));
      if (!found.ok) return { ok: false, reason: found.reason };
      const store = storeOf(jobDir);
      const name = templateNamesOf(entry.base_name).build;
      const built: BuiltImage = { ...found.image, finalFile: imageFileOf(name), imageDir: store.location, metadata: imagesYamlOf(options.config.packer.matrix, entry) };
      const checked = (await options.checkImage?.(built, job, entry, jobDir)) ?? { ok: true as const };
      if (!checked.ok) return checked;
      installBuildImage(store.images, { source: built.path, sha256: built.sha256, name, metadata: built.metadata });
      const facts: Partial<BuildDetails> = { image: { file: built.finalFile, sha256: built.sha256, size: built.size, format: 'qcow2', virtual_size: built.virtualSize } };
      // A check may give a richer image (qemu-img's view) and its results: its facts win.
      return { ok: true, facts: { ...facts, ...checked.facts }, imageSums: join(store.location, `${name}${SUM_SUFFIX}`) };
    },
    async builtRef(entry, jobDir) {
      return (await storeOf(jobDir).find(templateNamesOf(entry.base_name).build))?.ref ?? null;
    },
  };
}
