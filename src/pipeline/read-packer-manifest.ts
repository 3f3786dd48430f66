import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';

const manifestSchema = z.object({
  builds: z
    .array(
      z.object({
        name: z.string(),
        builder_type: z.string(),
        build_time: z.number().optional(),
        artifact_id: z.string(),
        packer_run_uuid: z.string(),
      }),
    )
    .min(1, 'lists no builds; was the manifest post-processor run?'),
  last_run_uuid: z.string(),
});

/** The build of the last run recorded in a Packer manifest (post-processor "manifest"). */
export interface ManifestBuild {
  name: string;
  builder_type: string;
  build_time: number | undefined;
  artifact_id: string;
  packer_run_uuid: string;
}

/**
 * Reads a Packer manifest and returns the build of its last run: a manifest
 * accumulates every run written into it, and only the last one is this build.
 */
export function readPackerManifest(path: string): ManifestBuild {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the Packer manifest ${path}: ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new Error(formatZodError(path, parsed.error));
  const build = parsed.data.builds.filter((entry) => entry.packer_run_uuid === parsed.data.last_run_uuid).at(-1);
  if (!build) throw new Error(`${path}: no build belongs to last_run_uuid ${parsed.data.last_run_uuid}`);
  return { ...build, build_time: build.build_time };
}
