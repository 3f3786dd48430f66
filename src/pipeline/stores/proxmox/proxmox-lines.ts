import type { Matrix } from '../../../config/matrix-schema.js';
import { roleOf } from '../template-names.js';

/** A Proxmox line as the store sees it: its names and its reserved VMIDs. */
export interface ProxmoxLine {
  key: string;
  base: string;
  /** The first VMID of the block; with `stable` the live `<base>` always has it. */
  vmid: number;
  /** The last VMID of the block. */
  last: number;
  stable: boolean;
}

/**
 * The matrix's Proxmox lines with their VMID blocks (`vmid` …
 * `vmid + block - 1`). Throws, naming both lines and the fix, when two
 * blocks overlap: each VMID must belong to one line only.
 *
 * @example
 * proxmoxLinesOf(matrix, 10) // [{ key: 'tpl-rocky-9', base: 'tpl-rocky-9', vmid: 92090, last: 92099, stable: false }, …]
 */
export function proxmoxLinesOf(matrix: Matrix, block: number): ProxmoxLine[] {
  const lines = matrix
    .filter((entry) => entry.platform === 'proxmox' && entry.vmid !== undefined)
    .map((entry) => ({ key: entry.key, base: entry.base_name, vmid: entry.vmid!, last: entry.vmid! + block - 1, stable: entry.stable_vmid === true }))
    .sort((a, b) => a.vmid - b.vmid);
  for (let index = 1; index < lines.length; index++) {
    const [before, after] = [lines[index - 1]!, lines[index]!];
    if (after.vmid <= before.last) {
      throw new Error(
        `the VMIDs of ${before.key} (${before.vmid}-${before.last}) and ${after.key} (${after.vmid}-${after.last}) overlap: ` +
          `each line reserves proxmox.vmid_block (${block}) VMIDs from its vmid; give the lines vmids at least ${block} apart in the matrix`,
      );
    }
  }
  return lines;
}

/**
 * The line a template name belongs to (`<base>`, `-prev`, `-build`,
 * `-rolledback-…`), or undefined.
 *
 * @example
 * lineOfName(lines, 'tpl-rocky-9-prev')?.key // 'tpl-rocky-9'
 */
export function lineOfName(lines: readonly ProxmoxLine[], name: string): ProxmoxLine | undefined {
  return lines.find((line) => roleOf(line.base, name) !== undefined);
}

/**
 * The lowest VMID of the line's block that `taken` does not hold, never the
 * stable VMID of a VMID-stable line (it is kept for `<base>`); undefined
 * when the block is full.
 *
 * @example
 * freeVmidOf(line, new Set([92090, 92091])) // 92092
 */
export function freeVmidOf(line: ProxmoxLine, taken: ReadonlySet<number>): number | undefined {
  for (let vmid = line.stable ? line.vmid + 1 : line.vmid; vmid <= line.last; vmid++) if (!taken.has(vmid)) return vmid;
  return undefined;
}
