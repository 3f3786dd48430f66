import { parseMachineLine } from './parse-machine-line.js';

/** What a Packer run's output says about how it ended. */
export interface PackerOutcomeResult {
  succeeded: boolean;
  /** Why the run does not count as a success, in the user's words. */
  reason: string | undefined;
  packerVersion: string | undefined;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  /** Artifact ids by build name, from the `artifact,N,id,...` lines. */
  artifacts: Array<{ build: string; id: string }>;
  /** The last error Packer reported, for the user. */
  lastError: string | undefined;
}

const VERSION = /Packer version: (\d+\.\d+\.\d+)/;
const HUMAN_ERRORED = /Build '([^']+)' errored/;
const NO_ARTIFACTS = 'Builds finished but no artifacts were created';

/**
 * Follows a Packer run's output line by line and decides whether it built
 * something: the machine-readable stream of `packer build -machine-readable`,
 * mixed with PACKER_LOG debug lines, or a plain human-readable log.
 *
 * @example
 * const outcome = new PackerOutcome();
 * for (const line of lines) outcome.feed(line);
 * outcome.result().succeeded
 */
export class PackerOutcome {
  private errors = 0;
  private lastError: string | undefined;
  private finished = false;
  private noArtifacts = false;
  private version: string | undefined;
  private first: number | undefined;
  private last: number | undefined;
  private readonly artifacts: Array<{ build: string; id: string }> = [];

  feed(line: string): void {
    // Provisioner output is most of a log and says nothing about the outcome, even when it prints Packer-like words.
    if (line.includes(',ui,message,')) return;
    const machine = parseMachineLine(line);
    if (!machine) {
      this.version ??= VERSION.exec(line)?.[1];
      if (HUMAN_ERRORED.test(line)) this.recordError(line.trim());
      if (line.includes(NO_ARTIFACTS)) this.noArtifacts = true;
      if (line.includes('Builds finished. The artifacts of successful builds are')) this.finished = true;
      return;
    }
    this.first ??= machine.timestamp;
    this.last = machine.timestamp;
    const message = machine.data.at(-1) ?? '';
    if (machine.type === 'error-count' && Number(machine.data[0]) > 0) this.errors += Number(machine.data[0]);
    else if (machine.type === 'error' || (machine.type === 'ui' && machine.data[0] === 'error')) this.recordError(message.trim());
    else if (machine.type === 'ui' && message.includes(NO_ARTIFACTS)) this.noArtifacts = true;
    else if (machine.type === 'artifact-count') this.finished = true;
    else if (machine.type === 'artifact' && machine.data[1] === 'id') this.artifacts.push({ build: machine.target, id: machine.data.slice(2).join(',') });
    else if (machine.type === 'version' && machine.data[0]) this.version ??= machine.data[0];
  }

  private recordError(message: string): void {
    this.errors = Math.max(this.errors, 1);
    if (message) this.lastError = message;
  }

  result(): PackerOutcomeResult {
    const reason =
      this.errors > 0
        ? `Packer reported ${this.errors === 1 ? 'an error' : `${this.errors} errors`}${this.lastError ? `: ${this.lastError}` : ''}`
        : this.noArtifacts
          ? 'Packer built nothing (no artifacts were created; does -only name a source of this template?)'
          : !this.finished
            ? 'the output does not show a finished build (no artifacts listed); was it cut short?'
            : undefined;
    return {
      succeeded: reason === undefined,
      reason,
      packerVersion: this.version,
      startedAt: this.first === undefined ? undefined : new Date(this.first * 1000),
      finishedAt: this.last === undefined ? undefined : new Date(this.last * 1000),
      artifacts: [...this.artifacts],
      lastError: this.lastError,
    };
  }
}
