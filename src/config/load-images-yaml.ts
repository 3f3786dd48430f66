import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { imagesYamlSchema, type ImagesYaml } from './images-yaml-schema.js';

export interface LoadImagesYamlOptions {
  /** The `.images.yaml` file, usually `packer/<build_dir>/.images.yaml`. */
  path: string;
  /** The matrix line it belongs to, named in every error. */
  line: string;
  /** The user the build logs in as (Packer's ssh_username, Ansible's user); os_admin_user must equal it. */
  provisionerUser?: { user: string; source: string } | undefined;
}

/** The 1-based line of the key at `path`, or of its nearest existing parent key (a missing field points at its mapping). */
function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: readonly PropertyKey[]): number {
  const keys = path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  for (let depth = keys.length; depth >= 1; depth--) {
    const parent = (depth === 1 ? doc.contents : doc.getIn(keys.slice(0, depth - 1), true)) as Node | null | undefined;
    if (!isMap(parent)) continue;
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === keys[depth - 1]);
    if (pair && isScalar(pair.key) && pair.key.range) return counter.linePos(pair.key.range[0]).line;
  }
  const top = doc.contents as Node | null;
  return top?.range ? counter.linePos(top.range[0]).line : 1;
}

/**
 * Reads and checks a QEMU line's `.images.yaml`: the VK Cloud seed's one image
 * with its required OpenStack properties and optional build overrides. Every
 * error names the file and its line number, the matrix line, the field, and
 * the fix; os_admin_user must equal the provisioner's user when that is given.
 *
 * @example
 * const images = loadImagesYaml({ path: 'packer/qemu/debian-12/.images.yaml', line: 'qemu-debian-12',
 *   provisionerUser: { user: 'debian', source: 'packer/qemu/debian-12/variables.pkr.hcl' } });
 * images.metadata.os_admin_user // 'debian'
 */
export function loadImagesYaml(options: LoadImagesYamlOptions): ImagesYaml {
  const { path, line } = options;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${path}: line ${line} has no .images.yaml; QEMU lines need one (the image's OpenStack/VK Cloud metadata, see docs/qemu.md)`
        : `${path}: line ${line}: cannot read .images.yaml: ${(error as Error).message}`,
    );
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const at = first.linePos?.[0]?.line ?? 1;
    throw new Error(`${path}:${at}: line ${line}: not valid YAML: ${first.message.split('\n')[0]}; fix the YAML syntax there`);
  }
  const parsed = imagesYamlSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues
        .map((issue) => {
          const field = issue.path.map(String).join('.') || '(top level)';
          return `${path}:${lineOf(doc, counter, issue.path)}: line ${line}: ${field}: ${issue.message}`;
        })
        .join('\n'),
    );
  }
  const [name, image] = Object.entries(parsed.data)[0]!;
  const expected = options.provisionerUser;
  if (expected && image.metadata.os_admin_user !== expected.user) {
    throw new Error(
      `${path}:${lineOf(doc, counter, [name, 'metadata', 'os_admin_user'])}: line ${line}: ${name}.metadata.os_admin_user: ` +
        `'${image.metadata.os_admin_user}' is not the user the build logs in as ('${expected.user}', admin_user in ${expected.source}); ` +
        `set os_admin_user: '${expected.user}', or change admin_user there to the image's default user`,
    );
  }
  return { path, name, metadata: image.metadata, build_override: image.build_override ?? {} };
}
