import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** A running vCenter simulator, in its own process group. */
export interface Vcsim {
  /** `127.0.0.1:<port>`: the vCenter endpoint (no credentials; vcsim accepts any). */
  server: string;
  pid: number;
  /** Stops it with SIGTERM (vcsim then removes its datastore folder), SIGKILL after 5 s. */
  stop(): Promise<void>;
  /** The same, synchronously and without waiting: for process exit handlers. */
  stopNow(): void;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Starts vcsim on a free loopback port (`-l 127.0.0.1:0`) and reads the port
 * from the `export GOVC_URL=…` line it prints first. Its state is in memory:
 * every start is the default inventory (datacenter DC0, cluster DC0_C0).
 *
 * @example
 * const sim = await startVcsim(findInfraBinary('vcsim', settings.paths));
 * try { ... `https://127.0.0.1:…/sdk` ... } finally { await sim.stop(); }
 */
export async function startVcsim(binary: string, timeoutMs = 15_000): Promise<Vcsim> {
  // vcsim needs nothing of goldsmith's environment: it gets none of it.
  // -stdinexit: vcsim exits when its stdin closes, so it cannot outlive this process, even one killed with SIGKILL.
  const child = spawn(binary, ['-l', '127.0.0.1:0', '-stdinexit'], { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: {} });
  const spawned = once(child, 'spawn');
  const failed = once(child, 'error').then(([error]) => {
    throw new Error(`cannot start vcsim (${binary}): ${(error as Error).message}; run scripts/setup-infra or set GOLDSMITH_VCSIM`);
  });
  await Promise.race([spawned, failed]);
  const pid = child.pid!;
  let exited = false;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });
  child.stderr!.resume();
  const lines = createInterface({ input: child.stdout! });
  const server = await Promise.race([
    new Promise<string>((resolve) => {
      lines.on('line', (line) => {
        const match = /GOVC_URL=\S*@?(127\.0\.0\.1:\d+)\/sdk/.exec(line);
        if (match) resolve(match[1]!);
      });
    }),
    exit.then(() => {
      throw new Error('vcsim exited before printing its address; run it by hand (.infra/bin/vcsim -l 127.0.0.1:0) to see why');
    }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`vcsim printed no address within ${timeoutMs / 1000} s`)), timeoutMs).unref()),
  ]).catch((error: unknown) => {
    signalGroup(pid, 'SIGKILL');
    throw error;
  });
  // Keep draining its output so it never blocks on a full pipe.
  lines.on('line', () => undefined);
  return {
    server,
    pid,
    stopNow: () => signalGroup(pid, 'SIGTERM'),
    async stop() {
      if (exited) return;
      signalGroup(pid, 'SIGTERM');
      const killer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 5_000);
      await exit;
      clearTimeout(killer);
    },
  };
}
