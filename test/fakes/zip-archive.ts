import { crc32, deflateRawSync } from 'node:zlib';

/**
 * One file of a zip archive. `name` is written exactly as given, so a test
 * can build the archives a hostile or broken CI run would hand back
 * (`../escape.txt`, `/abs`, `a\b`): yazl refuses those names, which is why the
 * fakes carry this writer.
 */
export interface ZipEntry {
  name: string;
  data: Buffer | string;
  /** `store` keeps the bytes as they are (fast for big random padding); `deflate` by default. */
  method?: 'store' | 'deflate';
  /** Unix permission bits, written to the external attributes (default 0o644). */
  mode?: number;
}

const STORE = 0;
const DEFLATE = 8;
// Bit 11: names are UTF-8, as upload-artifact writes them.
const UTF8_NAMES = 0x0800;
// DOS dates cannot go below 1980; artifacts are made "now" anyway.
const DOS_EPOCH = new Date(Date.UTC(1980, 0, 1));

function dosDateTime(date: Date): { time: number; day: number } {
  const d = date < DOS_EPOCH ? DOS_EPOCH : date;
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    day: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/**
 * Writes a zip archive (no zip64: every entry and the whole archive stay
 * below 4 GiB, which is plenty for a test) and returns its bytes.
 *
 * @example
 * const zip = writeZip([{ name: 'packer.log', data: 'ok\n' }, { name: '../escape.txt', data: 'x' }]);
 */
export function writeZip(entries: ZipEntry[], modified = new Date()): Buffer {
  const { time, day } = dosDateTime(modified);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8');
    const name = Buffer.from(entry.name, 'utf8');
    const deflated = entry.method === 'store' ? undefined : deflateRawSync(data);
    // Like every zip tool, keep the bytes stored when deflating does not pay.
    const method = deflated && deflated.length < data.length ? DEFLATE : STORE;
    const body = method === DEFLATE ? deflated! : data;
    const crc = crc32(data);
    if (data.length > 0xffff_fffe || offset > 0xffff_fffe) throw new Error(`writeZip: ${entry.name} needs zip64, which this writer does not do`);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(day, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    // Made by: Unix (3), spec 2.0, so readers honour the permission bits.
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(day, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((((entry.mode ?? 0o644) | 0o100000) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * The entry names of a zip archive, read from its central directory without
 * any of the checks an unzip library makes: how a test sees that a hostile
 * name really is in the archive.
 */
export function zipEntryNames(zip: Buffer): string[] {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error('zipEntryNames: no end of central directory record');
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`zipEntryNames: bad central directory header at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}
