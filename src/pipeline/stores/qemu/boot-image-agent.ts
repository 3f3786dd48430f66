import { connect } from 'node:net';

/** What `guest-info` answers: the agent's version (and the commands it supports, not kept). */
export interface GuestInfo {
  version: string;
  commands: number;
}

/**
 * Asks the QEMU guest agent for `guest-info` over the virtio-serial socket
 * QEMU exposes on the host (a chardev socket), keeping the connection open
 * until a reply comes or `timeoutMs` passes. Resolves undefined when the
 * agent does not answer.
 *
 * @example
 * await queryGuestAgent('/var/lib/goldsmith/jobs/7/checklist/qga.sock', 30_000)
 * // { version: '7.2.22', commands: 44 }
 */
export function queryGuestAgent(socketPath: string, timeoutMs: number, signal?: AbortSignal): Promise<GuestInfo | undefined> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    let buffered = '';
    let settled = false;
    const finish = (value: GuestInfo | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(ask);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(value);
    };
    const onAbort = () => finish(undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    // The agent drops what arrives before it runs; asking again until it answers is harmless.
    const send = () => socket.write('{"execute":"guest-info"}\n');
    const ask = setInterval(send, 3000);
    signal?.addEventListener('abort', onAbort);
    socket.on('connect', send);
    socket.on('error', () => finish(undefined));
    socket.on('close', () => finish(undefined));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n')) {
        try {
          const reply = JSON.parse(line) as { return?: { version?: unknown; supported_commands?: unknown[] } };
          if (typeof reply.return?.version === 'string') return finish({ version: reply.return.version, commands: reply.return.supported_commands?.length ?? 0 });
        } catch {
          // A partial line: wait for the rest.
        }
      }
    });
  });
}
