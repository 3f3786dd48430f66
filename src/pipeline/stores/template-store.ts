import type { Credential } from '../../config/find-credentials.js';
import type { LoadedConfig } from '../../config/load-config.js';
import type { MatrixEntry } from '../../config/matrix-schema.js';
import type { Settings } from '../../config/settings.js';
import type { BuildRun, Target } from '../../evidence/run-schema.js';
import type { AfterPackerResult } from '../build-hooks.js';
import type { Job } from '../job-types.js';

/** One template a store holds, by an opaque reference that survives renames. */
export interface TemplateRef {
  /**
   * Opaque to everyone but the store, stable across renames within it, and
   * never shared by two templates: vSphere's managed object reference
   * (`VirtualMachine:vm-92`), the qcow2 file's inode for QEMU. Promotions act
   * by reference, so a rename or destroy never hits another template of the
   * same name, and a resumed promotion acts on exactly what the first run saw.
   */
  ref: string;
  name: string;
  /** Where it is, for people: `/DC0/vm/Templates/tpl-a`, `/srv/images/tpl-a.qcow2`. */
  path: string;
}

/** A template and what the store knows of it. */
export interface TemplateDetails extends TemplateRef {
  /** True when it can be the line's `<base>` (a vSphere template, not a VM; a qcow2 file). */
  ready: boolean;
  /** What it is, for messages: `a template`, `a VM`, `a qcow2 image`. */
  kind: string;
  /** When not ready: why, and the fix (`is a VM, not a template: let Packer convert it …`). */
  notReady?: string | undefined;
  /** ISO 8601 UTC, or null when unknown. */
  createdAt: string | null;
  /** Where `createdAt` came from (`config.createDate`, `config.modified`, `file birth time`), or null. */
  createdFrom: string | null;
}

/** The build record a promotion promotes: its path under the records root and its run.json. */
export interface CandidateBuild {
  record: string;
  run: BuildRun;
}

/** The store's verdict on a `<base>-build`: promotable (with a detail for the journal), or why not. */
export type CandidateCheck = { ok: true; detail: string } | { ok: false; message: string };

/**
 * Where a platform keeps a line's templates: `<base>`, `<base>-prev`,
 * `<base>-build` and rolled-back ones, found by name and acted on by
 * reference. The promotion engine (src/pipeline/promotion) works through this
 * interface only, so it names no platform; each platform implements it in
 * its own folder under src/pipeline/stores/ and registers it in
 * registry.ts. Every store passes test/stores/contract.ts.
 *
 * Methods that change something (rename, destroy) must be safe to call
 * again after a crash part-way through: the journal re-runs a step whose end
 * it did not record, after `settle(ref)` and checking `nameOf(ref)`. A
 * rename that is several operations must make the template's own name
 * (what `nameOf` reports) change last.
 *
 * @example
 * const store = openTemplateStore('vsphere', { config, settings, log });
 * const build = await store.find('tpl-ubuntu-24.04-build');
 * if (build) await store.rename(build.ref, 'tpl-ubuntu-24.04');
 * store.close();
 */
export interface TemplateStore {
  /** The matrix `platform` this store serves: `vsphere`, `qemu`. */
  readonly platform: string;
  /**
   * Whose references these are (the vCenter `host[:port]`; `qemu:<host>:<dir>`).
   * A journal plan made against another identity is never resumed here:
   * its references would name strangers.
   */
  readonly identity: string;
  /** What to set to point goldsmith at another identity, for the message that refuses a resume elsewhere. */
  readonly retargetHint: string;
  /** Where the templates are, for people and the journal: the templates folder, the image directory. */
  readonly location: string;
  /** How to fix names by hand when putting templates back failed (`govc object.rename <ref> <name>`). */
  readonly repairHint: string;
  /** Credentials the store holds: scrubbed from its log and refused in records. */
  readonly secrets: readonly Credential[];

  /** Every template directly in the location (of every line). */
  list(): Promise<TemplateRef[]>;
  /** The template named `name`, or undefined. Throws when two share the name (naming both and the fix). */
  find(name: string): Promise<TemplateRef | undefined>;
  /** The current name of a reference, or undefined when it no longer exists. Only "gone" is undefined: anything else throws. */
  nameOf(ref: string): Promise<string | undefined>;
  /** Facts about a template, or undefined when it no longer exists. */
  describe(template: TemplateRef): Promise<TemplateDetails | undefined>;
  /** Renames by reference; the new name must be free (the engine checks first). */
  rename(ref: string, newName: string): Promise<void>;
  /** Destroys by reference, with everything that belongs to it. */
  destroy(ref: string): Promise<void>;
  /**
   * Finishes whatever a crash left of the store's own rename of `ref` (an
   * image renamed, its sidecars not yet), so what belongs to it follows it.
   * Called before every step that acts on `ref`. Stores whose renames are
   * atomic (vSphere) leave it out.
   */
  settle?(ref: string): Promise<void>;
  /** True when `error` means "try again later" (vCenter unreachable, a disk hiccup): the promotion is then interrupted, not reverted. */
  isTransient(error: unknown): boolean;
  /**
   * Whether `candidate` (`<base>-build`) is what `build` sealed: vSphere
   * checks the record names that template; QEMU hashes the image and
   * compares it with the record's image SHA-256. Changes nothing.
   */
  checkCandidate(candidate: TemplateDetails, build: CandidateBuild): Promise<CandidateCheck>;
  /** run.json's `target` for `templateName` in this store. */
  describeTarget(templateName: string): Target;
  /** Writes a note to the store's log (promote.log), scrubbed. */
  note(text: string): void;
  /** Releases what the store holds (govc's session folder). */
  close(): void;
}

/** What a store is opened with. */
export interface StoreContext {
  config: LoadedConfig;
  settings: Settings;
  /** Receives each operation and its output, already scrubbed (promote.log, a job's prepare.log). */
  log?: ((text: string) => void) | undefined;
  /** Where to work instead of the configured location: a resumed promotion works where it started. */
  location?: string | undefined;
}

/**
 * A platform's work around a build, run by the build queue for the lines of
 * that platform (see src/pipeline/promotion/line-build-hooks.ts, which adds
 * the journal's bookkeeping):
 *
 * 1. `beforePacker`: clear a stale `<base>-build` (Packer will not build over
 *    it). Throwing fails the job with the error's message.
 * 2. `packerEnv`: extra environment for Packer (`PKR_VAR_*`).
 * 3. `afterPacker`: after Packer succeeded, before the record is sealed: put
 *    the build where the store keeps `<base>-build` (QEMU moves the image
 *    into the image directory), run checks that may fail the build (`ok:
 *    false` with the reason: no record is sealed), and return facts for
 *    run.json (merged into the build details).
 * 4. `builtRef`: once the record is sealed, the reference of `<base>-build`,
 *    so a promotion can tell it from one replaced outside goldsmith.
 */
export interface StoreBuildHooks {
  beforePacker(job: Job, entry: MatrixEntry, jobDir: string): Promise<void>;
  packerEnv(job: Job, entry: MatrixEntry, jobDir: string): Record<string, string>;
  afterPacker(job: Job, entry: MatrixEntry, jobDir: string): Promise<AfterPackerResult>;
  /** The job's stage while afterPacker runs, when it takes long enough to name (QEMU: the image checklist). */
  afterPackerStage?: string | undefined;
  builtRef(entry: MatrixEntry, jobDir: string): Promise<string | null>;
}

/**
 * One platform as a plug-in: how to open its store, what a build record's
 * `target` is, and the work around a build. Registered by `platform` in
 * registry.ts: adding a platform is one folder and one line there.
 *
 * @example
 * export const qemuPlatform: TemplatePlatform = { platform: 'qemu', label: 'QEMU image directory', open, target, buildHooks };
 */
export interface TemplatePlatform {
  readonly platform: string;
  /** What the store is called in messages: `vSphere templates folder`, `QEMU image directory`. */
  readonly label: string;
  /** Opens the store; throws naming the setting to fix when it is not configured. */
  open(context: StoreContext): TemplateStore;
  /** run.json's `target` of a build record, without connecting to anything. */
  target(config: LoadedConfig, templateName: string): Target;
  /** The work around a build of one of this platform's lines. */
  buildHooks(context: Omit<StoreContext, 'log' | 'location'>): StoreBuildHooks;
}
