import { closeSync, openSync, readSync } from 'node:fs';

/** What a qcow2 file's header says: its version and the size of the disk it holds. */
export interface Qcow2Header {
  version: number;
  /** The guest disk's size in bytes (what `qemu-img info` calls virtual size). */
  virtualSize: number;
}

/**
 * Reads a qcow2 header (big-endian: magic `QFI\xfb`, version at byte 4, size
 * at byte 24) without qemu-img; undefined when the file is no qcow2.
 *
 * @example
 * readQcow2Header('/srv/images/debian-12.qcow2') // { version: 3, virtualSize: 2147483648 }
 */
export function readQcow2Header(path: string): Qcow2Header | undefined {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(32);
    if (readSync(fd, head, 0, 32, 0) < 32 || head.readUInt32BE(0) !== 0x514649fb) return undefined;
    return { version: head.readUInt32BE(4), virtualSize: Number(head.readBigUInt64BE(24)) };
  } finally {
    closeSync(fd);
  }
}
