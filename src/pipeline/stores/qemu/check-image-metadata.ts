import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ImagesYaml } from '../../../config/images-yaml-schema.js';
import type { LoadedConfig } from '../../../config/load-config.js';
import { loadImagesYaml } from '../../../config/load-images-yaml.js';
import type { MatrixEntry } from '../../../config/matrix-schema.js';
import { readLineAdminUser } from '../../../config/read-line-admin-user.js';
import { lineVarFiles } from '../../line-var-files.js';

/**
 * A QEMU line's `.images.yaml` (in its build folder), checked, with
 * os_admin_user held against the user the build logs in as (`admin_user`
 * in the line's var-files or its variable's default). Call it before Packer
 * runs: a wrong user would otherwise cost a 20-minute SSH timeout. Throws
 * with the file, its line number, the matrix line, the field and the fix.
 *
 * @example
 * const images = loadLineImagesYaml({ config, entry });
 * await writeQemuBuildSeed({ jobDir, env: childEnv });
 * const env = { ...imagesYamlPackerVars(images), ...qemuBuildSeedVars(jobDir) };
 */
export function loadLineImagesYaml(options: { config: LoadedConfig; entry: MatrixEntry }): ImagesYaml {
  const { config, entry } = options;
  const buildDir = join(dirname(config.packer.matrix), entry.build_dir);
  const files = lineVarFiles(config, entry);
  const varFiles = [...files.shared, files.own].filter((path) => existsSync(path));
  return loadImagesYaml({ path: join(buildDir, '.images.yaml'), line: entry.key, provisionerUser: readLineAdminUser({ buildDir, varFiles }) });
}
