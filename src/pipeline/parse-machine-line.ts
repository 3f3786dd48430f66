/** One line of `packer build -machine-readable`: `timestamp,target,type,data...`. */
export interface MachineLine {
  timestamp: number;
  target: string;
  type: string;
  data: string[];
}

const MACHINE_LINE = /^(\d+),([^,]*),([^,]+),?(.*)$/;

// Packer escapes commas inside a field as %!(PACKER_COMMA), and newlines as a literal \n.
function unescapeField(field: string): string {
  return field.replaceAll('%!(PACKER_COMMA)', ',').replaceAll('\\n', '\n').replaceAll('\\r', '\r');
}

/**
 * Parses one machine-readable line; undefined for anything else (PACKER_LOG
 * debug output shares the stream).
 *
 * @example
 * parseMachineLine('1795511562,null.a,artifact,0,id,Null')
 * // { timestamp: 1795511562, target: 'null.a', type: 'artifact', data: ['0', 'id', 'Null'] }
 */
export function parseMachineLine(line: string): MachineLine | undefined {
  const match = MACHINE_LINE.exec(line);
  if (!match) return undefined;
  return {
    timestamp: Number(match[1]),
    target: match[2]!,
    type: match[3]!,
    data: match[4] === '' ? [] : match[4]!.split(',').map(unescapeField),
  };
}
