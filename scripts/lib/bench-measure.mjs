// Measuring helpers shared by the benchmarks (scripts/bench-*.mjs).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Runs a command to its end; resolves with its wall time in seconds and the
 * peak RSS (VmHWM, polled every 100 ms) of that process itself, in MiB: not of
 * its children (Packer, QEMU). Rejects when it exits non-zero.
 *
 * @example
 * const { seconds, peakMiB } = await timed('packer', ['build', '.'], { cwd });
 */
export function timed(command, args, options) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, options);
    let peakKiB = 0;
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
      } catch {}
    }, 100);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}`));
      else resolve({ seconds, peakMiB: peakKiB / 1024 });
    });
  });
}

/** The median of an odd-length list (the upper middle of an even one). */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
