const MIB = 1024 * 1024;

/**
 * A download progress bar for a terminal: redrawn in place at most every
 * 200 ms, `████░░░░ 41% 420.0 of 1024.0 MiB, 85.3 MiB/s`. `finish` ends the line.
 *
 * @example
 * const progress = downloadProgress(process.stderr, 'ubuntu-24.04.3-live-server-amd64.iso');
 * progress.update(received, total); progress.finish();
 */
export function downloadProgress(out: NodeJS.WritableStream, label: string, now: () => number = Date.now): { update(received: number, total: number | undefined): void; finish(): void } {
  const started = now();
  let last = 0;
  let drawn = false;
  let first: number | undefined;
  return {
    update(received, total) {
      first ??= received;
      const at = now();
      if (at - last < 200 && received !== total) return;
      last = at;
      const rate = (received - first) / MIB / Math.max(0.001, (at - started) / 1000);
      const share = total ? Math.min(1, received / total) : undefined;
      const bar = share === undefined ? '' : `${'█'.repeat(Math.floor(share * 20))}${'░'.repeat(20 - Math.floor(share * 20))} ${Math.floor(share * 100)}% `;
      out.write(`\r\x1b[2K${label} ${bar}${(received / MIB).toFixed(1)}${total ? ` of ${(total / MIB).toFixed(1)}` : ''} MiB, ${rate.toFixed(1)} MiB/s`);
      drawn = true;
    },
    finish() {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}
