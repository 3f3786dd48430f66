/**
 * Finds secret values in a stream of chunks, including a value split across
 * two chunks, without holding more than the longest secret in memory.
 *
 * @example
 * const scanner = new SecretScanner(['hunter2']);
 * scanner.feed(Buffer.from('pass: hun'));
 * scanner.feed(Buffer.from('ter2'));
 * scanner.found // 0, the index of the secret seen
 */
export class SecretScanner {
  private readonly needles: Buffer[];
  private readonly overlap: number;
  private carry = Buffer.alloc(0);
  /** Index into the secrets given of the first one seen, or undefined. */
  found: number | undefined;

  constructor(secrets: readonly string[]) {
    this.needles = secrets.filter((secret) => secret.length > 0).map((secret) => Buffer.from(secret, 'utf8'));
    this.overlap = Math.max(0, ...this.needles.map((needle) => needle.length - 1));
  }

  /** Scans the next chunk; returns true once any secret has been seen. */
  feed(chunk: Buffer): boolean {
    if (this.found !== undefined || this.needles.length === 0) return this.found !== undefined;
    const boundary = this.carry.length > 0 ? Buffer.concat([this.carry, chunk.subarray(0, this.overlap)]) : undefined;
    const index = this.needles.findIndex((needle) => chunk.includes(needle) || (boundary?.includes(needle) ?? false));
    if (index >= 0) this.found = index;
    const tail = chunk.subarray(Math.max(0, chunk.length - this.overlap));
    this.carry = chunk.length >= this.overlap ? Buffer.from(tail) : Buffer.concat([this.carry, tail]).subarray(-this.overlap);
    return this.found !== undefined;
  }
}
