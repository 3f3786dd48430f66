import { parseMachineLine } from './parse-machine-line.js';
import { readLogTail } from './read-log-tail.js';

/** A PACKER_LOG debug line: `2026/12/01 23:10:36 …` (it repeats every UI line, and adds [TRACE] noise). */
const DEBUG_LINE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /;

/**
 * The lines of a Packer log a person reads: each UI line of the
 * machine-readable stream once (`==> null.image: Running …`), errors
 * marked, and plain output (init, validate), without PACKER_LOG's debug
 * lines, which repeat every UI line and add [TRACE] noise. `--raw` shows
 * the whole log instead.
 *
 * @example
 * readableLogLines(['1796166636,,ui,say,==> null.image: Running local shell script', '2026/12/01 23:10:36 [TRACE] validateValue: …'])
 * // ['==> null.image: Running local shell script']
 */
export function readableLogLines(lines: readonly string[]): string[] {
  const readable: string[] = [];
  for (const line of lines) {
    if (DEBUG_LINE.test(line)) continue;
    const machine = parseMachineLine(line);
    if (!machine) {
      if (line.trim()) readable.push(line);
      continue;
    }
    if (machine.type !== 'ui' && machine.type !== 'error') continue;
    const text = machine.data.at(-1) ?? '';
    const kind = machine.type === 'error' ? 'error' : machine.data[0];
    for (const part of text.split('\n')) if (part.trim()) readable.push(kind === 'error' ? `error: ${part}` : part);
  }
  return readable;
}

/**
 * The last `count` readable lines of a log (readableLogLines over the end
 * of the file: Packer's debug lines are most of a log, so the whole
 * `maxBytes` is read and filtered before counting).
 *
 * @example
 * await readReadableLogTail('state/jobs/7/packer.log', 50, 4 << 20)
 */
export async function readReadableLogTail(path: string, count: number, maxBytes: number): Promise<string[]> {
  return readableLogLines(await readLogTail(path, Number.MAX_SAFE_INTEGER, maxBytes)).slice(-count);
}
