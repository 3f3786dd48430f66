import { z } from 'zod';
import type { BuildRun } from '../../../evidence/run-schema.js';

/** The part of a build record's run.json that names its image; read defensively (older records have none). */
const recordedImageSchema = z.object({
  image: z.object({
    file: z.string().min(1).optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits'),
    size: z.number().int().nonnegative().optional(),
  }),
});

export type RecordedImage = z.infer<typeof recordedImageSchema>['image'];

/**
 * The image a build record names (`image.sha256`, and the file name and
 * size when given), or why it names none, in words for a refusal.
 *
 * @example
 * readRecordedImage(run) // { ok: true, image: { file: 'debian-12-build.qcow2', sha256: '3f5a…', size: 283115520 } }
 */
export function readRecordedImage(run: BuildRun): { ok: true; image: RecordedImage } | { ok: false; why: string } {
  const parsed = recordedImageSchema.safeParse(run);
  if (parsed.success) return { ok: true, image: parsed.data.image };
  const issue = parsed.error.issues[0];
  return { ok: false, why: `its run.json has ${issue?.path.join('.') === 'image' ? 'no image' : `no valid ${issue?.path.join('.') ?? 'image'} (${issue?.message ?? 'unreadable'})`}` };
}
