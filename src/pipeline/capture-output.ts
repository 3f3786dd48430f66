import type { Readable } from 'node:stream';
import type { WriteStream } from 'node:fs';
import { SecretScrubber } from './secret-scrubber.js';

/** Writes `data`, waiting for the file to drain when its buffer is full, so memory stays bounded. */
async function writeWithBackpressure(file: WriteStream, data: Buffer): Promise<void> {
  if (data.length === 0 || file.write(data)) return;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    file.once('error', onError);
    file.once('drain', () => {
      file.off('error', onError);
      resolve();
    });
  });
}

/**
 * Copies one output stream of a process into the log, scrubbing secrets
 * before a byte reaches disk, and hands each scrubbed chunk of complete lines
 * to `onText`.
 */
export async function captureOutput(source: Readable, file: WriteStream, secrets: readonly string[], onText: (text: string) => void): Promise<void> {
  const scrubber = new SecretScrubber(secrets);
  for await (const chunk of source) {
    const clean = scrubber.push(chunk as Buffer);
    if (clean.length > 0) onText(clean.toString('utf8'));
    await writeWithBackpressure(file, clean);
  }
  const rest = scrubber.end();
  if (rest.length > 0) onText(rest.toString('utf8'));
  await writeWithBackpressure(file, rest);
}
