import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretScrubber } from '../../secret-scrubber.js';
import type { VsphereConnection } from './read-vsphere-connection.js';

/** A govc command that failed: `unreachable` when vCenter did not answer (retrying later may work). */
export class GovcError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly unreachable: boolean,
  ) {
    super(message);
  }
}

export interface GovcOptions {
  connection: VsphereConnection;
  /** The govc executable (findInfraBinary). */
  binary: string;
  /** Receives each command line and its output, already scrubbed of every secret. */
  log?: (text: string) => void;
}

export interface GovcResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const UNREACHABLE = /connection refused|no such host|i\/o timeout|network is unreachable|connection reset|EOF$|TLS handshake timeout|context deadline exceeded/im;
// govc draws progress with carriage returns and "erase line" escapes; a log wants the final text only.
const TERMINAL_NOISE = /\x1b\[[0-9;]*[A-Za-z]|\r/g;

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/**
 * Runs govc with argument arrays, its GOVC_* environment and a private
 * GOVMOMI_HOME (so govc's session cache never lands in the user's home),
 * logging every command line and its output through the secret scrubber.
 * Each command is killed after the connection's timeout.
 *
 * @example
 * const govc = new Govc({ connection, binary: findInfraBinary('govc', settings.paths), log: (text) => append(text) });
 * const { stdout } = await govc.run(['ls', '-l', '-i', connection.folder]);
 * govc.close();
 */
export class Govc {
  private readonly home = mkdtempSync(join(tmpdir(), 'goldsmith-govmomi-'));
  private readonly secrets: readonly string[];

  constructor(private readonly options: GovcOptions) {
    this.secrets = options.connection.secrets;
  }

  /** Scrubs `text` of every secret of the connection. */
  scrub(text: string): string {
    const scrubber = new SecretScrubber(this.secrets);
    return Buffer.concat([scrubber.push(Buffer.from(text, 'utf8')), scrubber.end()]).toString('utf8');
  }

  /** Writes a note to the log (scrubbed). */
  note(text: string): void {
    this.options.log?.(this.scrub(`${text}\n`));
  }

  /**
   * Runs `govc ...args`; throws GovcError on a non-zero exit, unless the
   * scrubbed stderr matches `tolerate` (such as "not found"). Error messages
   * are scrubbed and say what to do. `timeoutMs` overrides the connection's
   * timeout (an upload of a large file takes longer than one call).
   */
  async run(args: readonly string[], options: { tolerate?: RegExp; timeoutMs?: number } = {}): Promise<GovcResult> {
    const { connection } = this.options;
    const timeoutMs = options.timeoutMs ?? connection.timeoutMs;
    const started = Date.now();
    const commandLine = `govc ${args.map(quote).join(' ')}`;
    const result = await execa(this.options.binary, args, {
      env: { ...connection.baseEnv, ...connection.govcEnv, GOVMOMI_HOME: this.home, HOME: this.home },
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    const clean = (text: unknown) => this.scrub(String(text ?? '').replace(TERMINAL_NOISE, '').trim());
    const stdout = clean(result.stdout);
    const stderr = clean(result.stderr);
    const exitCode = result.timedOut ? -1 : (result.exitCode ?? -1);
    const output = [stdout, stderr].filter(Boolean).join('\n');
    const status = result.timedOut ? `timed out after ${timeoutMs / 1000} s` : (result as { code?: string }).code === 'ENOENT' ? 'not found' : `exit ${exitCode}`;
    this.options.log?.(`${new Date().toISOString()} $ ${commandLine}\n${output ? `${output}\n` : ''}[${status}, ${Date.now() - started} ms]\n`);
    if ((result as { code?: string }).code === 'ENOENT') {
      throw new GovcError(`govc not found at ${this.options.binary}: run scripts/setup-infra, or set GOLDSMITH_GOVC to the govc executable`, '', false);
    }
    if (exitCode !== 0 && !(options.tolerate && !result.timedOut && options.tolerate.test(stderr))) {
      const unreachable = result.timedOut || UNREACHABLE.test(stderr);
      const why = result.timedOut ? `vCenter ${connection.vcenter} did not answer within ${timeoutMs / 1000} s` : stderr.replace(/^.*?govc: /, '') || `exit ${exitCode}`;
      const fix = unreachable ? `: check that vCenter ${connection.vcenter} is up and reachable (GOVC_URL), then retry` : '';
      throw new GovcError(`${commandLine} failed: ${why}${fix}`, stderr, unreachable);
    }
    return { stdout, stderr, exitCode };
  }

  /** Removes the private GOVMOMI_HOME (govc's session cache). */
  close(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}
