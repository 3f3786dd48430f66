import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LAUNCHER = fileURLToPath(new URL('./serve-launcher.mjs', import.meta.url));

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  /** stdout and stderr as text, for failure messages. */
  output: () => string;
  /** Sends `signal` and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  /** SIGKILL to the whole process group (serve and its Packer builds), as a crash or OOM kill would; needs `detached`. */
  crash: () => Promise<void>;
  exited: Promise<number | null>;
}

export interface StartServeOptions {
  configFile: string;
  env: NodeJS.ProcessEnv;
  args?: string[];
  tuning?: Record<string, unknown>;
  /** Its own process group, so `kill()` can take Packer down with it (a crash test). */
  detached?: boolean;
}

/**
 * Starts `goldsmith serve` in its own process (through the launcher over
 * the bundle, as the CLI does) on a free port of 127.0.0.1, and resolves once it
 * logs "listening"; rejects with its output if it exits first.
 *
 * @example
 * const serve = await startServe({ configFile: env.configFile, env: { SLACK_SIGNING_SECRET: secret, SLACK_BOT_TOKEN: token, SLACK_API_URL: slack.apiUrl } });
 */
export async function startServe(options: StartServeOptions): Promise<ServeProcess> {
  const args = [LAUNCHER, '--config', options.configFile, '--port', '0', '--host', '127.0.0.1', ...(options.tuning ? ['--tuning', JSON.stringify(options.tuning)] : []), ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
  const logs: Array<Record<string, unknown>> = [];
  let text = '';
  let buffered = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => {
    if (signal) text += `\n[goldsmith serve ended by ${signal}]\n`;
    resolve(code);
  }));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'listening') resolve(String(entry.url));
        } catch {
          // not JSON: kept in the text
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    void exited.then((code) => reject(new Error(`goldsmith serve exited with ${code} before listening:\n${text}`)));
  });
  return {
    url,
    child,
    logs,
    output: () => text,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    crash: async () => {
      if (!options.detached) throw new Error('crash() needs a detached serve');
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
  };
}
