import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { PackerOutcome, type PackerOutcomeResult } from './packer-outcome.js';

/**
 * Reads a finished Packer log from disk and says how the run ended; streams,
 * so a log of any size is fine.
 */
export async function readPackerOutcome(logPath: string): Promise<PackerOutcomeResult> {
  const outcome = new PackerOutcome();
  const lines = createInterface({ input: createReadStream(logPath, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of lines) outcome.feed(line);
  return outcome.result();
}
