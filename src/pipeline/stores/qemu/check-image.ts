import { mkdir } from 'node:fs/promises';
import type { ImagesYaml } from '../../../config/images-yaml-schema.js';
import type { ImageCheckResult, RecordedImageFacts } from '../../../evidence/run-schema.js';
import { bootImage } from './boot-image.js';
import { describeImage } from './describe-image.js';
import { inspectImageOffline } from './inspect-image-offline.js';

/** The seed's size guidance: images under 50 GB. */
const SIZE_LIMIT = 50 * 1024 ** 3;

export interface CheckImageOptions {
  /** The built image (qcow2). */
  image: string;
  /** The matrix line, for messages. */
  line: string;
  /** The line's `.images.yaml` (its os_admin_user is the user the boot check logs in as). */
  imagesYaml: Pick<ImagesYaml, 'metadata'>;
  /** The environment the tools run with, from settings (PATH and the basics): `settings.childEnv({ family: 'none' })`. */
  settingsEnv: Readonly<Record<string, string>>;
  /** A scratch folder of the job's (created): a raw copy while inspecting, the boot's seed and serial log. */
  workDir: string;
  signal?: AbortSignal | undefined;
  /** Boot the image even when an offline check failed (default: skip the ~100 s boot, the build fails anyway). */
  bootAfterFailure?: boolean | undefined;
  /** For tests of the offline half: no boot at all. */
  boot?: boolean | undefined;
  /** Progress lines for the job's log: each stage and its time. */
  onProgress?: ((line: string) => void) | undefined;
}

/** The checklist's outcome: every check, the image's facts for run.json, and the time each stage took. */
export interface ImageChecklist {
  checks: ImageCheckResult[];
  image: RecordedImageFacts;
  /** Milliseconds: describe (hash), offline inspection, boot (0 when skipped). */
  timings: { describeMs: number; offlineMs: number; bootMs: number };
}

/**
 * The VK Cloud image checklist on one built image, before any record is
 * sealed: its facts (file, SHA-256, size, format, virtual size) and
 * `image-size`, the offline inspection of its file system, and a boot (SSH
 * as os_admin_user with a throwaway key, the guest probe, the guest agent
 * answering). A build with any failing check must fail, naming it:
 * `describeChecklistFailure` words that.
 *
 * @example
 * const result = await checkImage({ image: 'jobs/7/output/qemu-debian-12-build.qcow2', line: 'qemu-debian-12',
 *   imagesYaml, settingsEnv: settings.childEnv({ family: 'none' }), workDir: 'jobs/7/checklist' });
 * const reason = describeChecklistFailure(result); // undefined when every check passed
 */
export async function checkImage(options: CheckImageOptions): Promise<ImageChecklist> {
  await mkdir(options.workDir, { recursive: true, mode: 0o700 });
  const progress = options.onProgress ?? (() => undefined);
  const env = options.settingsEnv;
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<[T, number]> => {
    const started = Date.now();
    const result = await work();
    const ms = Date.now() - started;
    progress(`checklist: ${label} in ${(ms / 1000).toFixed(1)} s`);
    return [result, ms];
  };

  const [image, describeMs] = await timed('described the image', () => describeImage({ file: options.image, env, signal: options.signal }));
  const checks: ImageCheckResult[] = [
    image.virtual_size < SIZE_LIMIT
      ? { name: 'image-size', result: 'pass', detail: `${image.format}, ${image.size} bytes on disk, virtual size ${image.virtual_size} bytes (under 50 GiB)` }
      : { name: 'image-size', result: 'fail', detail: `virtual size ${image.virtual_size} bytes is over the 50 GiB VK Cloud recommends: lower build_override.disk_size` },
  ];
  const [offline, offlineMs] = await timed('inspected the file system offline', () =>
    inspectImageOffline({ image: options.image, workDir: options.workDir, env, signal: options.signal }),
  );
  checks.push(...offline);
  let bootMs = 0;
  const failedSoFar = checks.some((check) => check.result === 'fail');
  if (options.boot !== false && (!failedSoFar || options.bootAfterFailure)) {
    const [booted, ms] = await timed('booted the image and checked it live', () =>
      bootImage({ image: options.image, adminUser: options.imagesYaml.metadata.os_admin_user, workDir: options.workDir, env, signal: options.signal }),
    );
    checks.push(...booted);
    bootMs = ms;
  } else if (options.boot !== false) progress('checklist: boot skipped, an offline check failed already');
  return { checks, image, timings: { describeMs, offlineMs, bootMs } };
}

/**
 * The reason a build fails when its checklist does, naming every failing
 * check with its detail; undefined when all passed.
 *
 * @example
 * describeChecklistFailure(result)
 * // 'image checklist failed for qemu-debian-12-build.qcow2: no-password-hashes (/etc/shadow: root has a password hash; …)'
 */
export function describeChecklistFailure(result: Pick<ImageChecklist, 'checks' | 'image'>): string | undefined {
  const failed = result.checks.filter((check) => check.result === 'fail');
  if (failed.length === 0) return undefined;
  return `image checklist failed for ${result.image.file}: ${failed.map((check) => `${check.name} (${check.detail})`).join('; ')}`;
}
