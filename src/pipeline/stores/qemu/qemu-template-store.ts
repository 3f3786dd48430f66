import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Credential } from '../../../config/find-credentials.js';
import { hashFile } from '../../../evidence/hash-file.js';
import type { Target } from '../../../evidence/run-schema.js';
import type { CandidateBuild, CandidateCheck, StoreContext, TemplateDetails, TemplateRef, TemplateStore } from '../template-store.js';
import { ImageDirectory, imageFileOf, SUM_SUFFIX } from './image-directory.js';
import { qemuTargetOf } from './qemu-target.js';
import { readRecordedImage } from './read-recorded-image.js';

/** File errors worth a retry later (a full or flaky disk, a stale NFS handle): the promotion is interrupted, not reverted. */
const TRANSIENT_CODES = new Set(['EAGAIN', 'EBUSY', 'EINTR', 'EIO', 'ENOSPC', 'ESTALE', 'ETIMEDOUT', 'EDQUOT']);

/** qcow2 files start with `QFI\xfb`. */
const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);

function startsWithQcow2Magic(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(QCOW2_MAGIC);
  } finally {
    closeSync(fd);
  }
}

/**
 * The QEMU template store: one image directory (`qemu.image_dir`) on this
 * host holding `<base>.qcow2`, `<base>-prev.qcow2`, `<base>-build.qcow2` and
 * rolled-back ones, each with its `.sha256` and `.images.yaml`. References
 * are the images' inodes; promotions and rollbacks are renames of an image
 * and its sidecars (see ImageDirectory for their crash safety). A
 * `<base>-build` is promoted only when its SHA-256, hashed from the file, is
 * the one its build record sealed.
 *
 * @example
 * const store = new QemuTemplateStore({ config, settings, log: (text) => append(text) });
 * await store.find('debian-12-build'); // { ref: 'inode:1234/…', name: 'debian-12-build', path: '/srv/images/debian-12-build.qcow2' }
 */
export class QemuTemplateStore implements TemplateStore {
  readonly platform = 'qemu';
  readonly identity: string;
  readonly retargetHint = 'set qemu.image_dir to that folder, on that host';
  readonly location: string;
  readonly repairHint = 'mv <name>.qcow2, <name>.sha256 and <name>.images.yaml together, in the image directory';
  readonly secrets: readonly Credential[] = [];
  readonly images: ImageDirectory;

  constructor(context: Pick<StoreContext, 'config' | 'log' | 'location'>) {
    this.location = context.location ?? context.config.qemu.image_dir;
    this.identity = `qemu:${hostname()}:${this.location}`;
    this.images = new ImageDirectory(this.location, context.log);
  }

  async list(): Promise<TemplateRef[]> {
    return this.images.list();
  }

  async find(name: string): Promise<TemplateRef | undefined> {
    return this.images.find(name);
  }

  async nameOf(ref: string): Promise<string | undefined> {
    return this.images.nameOf(ref);
  }

  async describe(template: TemplateRef): Promise<TemplateDetails | undefined> {
    const stats = this.images.stat(template);
    if (!stats) return undefined;
    const qcow2 = startsWithQcow2Magic(template.path);
    const born = stats.birthtimeMs > 0;
    return {
      ...template,
      ready: qcow2,
      kind: qcow2 ? 'a qcow2 image' : 'not a qcow2 image',
      notReady: qcow2 ? undefined : 'is not a qcow2 image (its first bytes are not QFI\\xfb): the build left something else there; rebuild the line',
      createdAt: new Date(born ? stats.birthtimeMs : stats.mtimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      createdFrom: born ? 'file birth time' : 'file modification time',
    };
  }

  async rename(ref: string, newName: string): Promise<void> {
    this.images.rename(ref, newName);
  }

  async destroy(ref: string): Promise<void> {
    this.images.destroy(ref);
  }

  async settle(ref: string): Promise<void> {
    this.images.settle(ref);
  }

  isTransient(error: unknown): boolean {
    return TRANSIENT_CODES.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
  }

  /** The image's SHA-256, hashed from the file, must be the record's `image.sha256`; its `.sha256` sidecar, when there, must agree. */
  async checkCandidate(candidate: TemplateDetails, build: CandidateBuild): Promise<CandidateCheck> {
    const file = imageFileOf(candidate.name);
    const recorded = readRecordedImage(build.run);
    if (!recorded.ok) {
      return {
        ok: false,
        message: `${build.record} names no image SHA-256 to check ${file} against (${recorded.why}): rebuild the line (goldsmith build ${build.run.line} --wait) so its record names the image it made`,
      };
    }
    this.images.note(`# hashing ${candidate.path} to compare it with ${build.record}`);
    const { sha256, size } = await hashFile(candidate.path);
    if (sha256 !== recorded.image.sha256) {
      return {
        ok: false,
        message:
          `${candidate.path} has SHA-256 ${sha256}, not the ${recorded.image.sha256} that ${build.record} sealed: ` +
          `the image changed after its build, or is another build's. Rebuild the line (goldsmith build ${build.run.line} --wait) and promote the new record`,
      };
    }
    const sidecar = join(this.location, `${candidate.name}${SUM_SUFFIX}`);
    if (existsSync(sidecar)) {
      const listed = /^([0-9a-f]{64})\s/m.exec(readFileSync(sidecar, 'utf8'))?.[1];
      if (listed !== sha256) {
        return { ok: false, message: `${sidecar} lists ${listed ?? 'no SHA-256'}, but ${file} hashes to ${sha256} (as its build record says): fix or remove the sidecar, or rebuild the line` };
      }
    }
    return { ok: true, detail: `${file} has SHA-256 ${sha256} (${size} bytes), as ${build.record} sealed` };
  }

  describeTarget(templateName: string): Target {
    return qemuTargetOf(this.location, templateName);
  }

  note(text: string): void {
    this.images.note(text);
  }

  close(): void {
    // Nothing is held open between calls.
  }
}
