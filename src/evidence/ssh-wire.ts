/**
 * The SSH wire encoding (RFC 4251 §5) shared by SSH public keys, OpenSSH
 * private keys and SSHSIG signatures.
 */

/** Encodes `value` as an SSH `string`: a uint32 length, then the bytes. */
export function encodeSshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** Reads SSH wire values from a buffer, failing with `what` named when it runs short. */
export class SshReader {
  private offset = 0;
  constructor(
    private readonly buffer: Buffer,
    private readonly what: string,
  ) {}

  bytes(count: number): Buffer {
    if (this.offset + count > this.buffer.length) throw new Error(`${this.what} is truncated`);
    const out = this.buffer.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  uint32(): number {
    return this.bytes(4).readUInt32BE(0);
  }

  string(): Buffer {
    return this.bytes(this.uint32());
  }

  text(): string {
    return this.string().toString('utf8');
  }

  get done(): boolean {
    return this.offset === this.buffer.length;
  }
}
