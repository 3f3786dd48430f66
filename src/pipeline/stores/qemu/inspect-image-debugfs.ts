import { execa } from 'execa';

/** What debugfs says when a path does not exist (it still exits 0). */
const NOT_FOUND = /File not found by ext2_lookup|not found/i;

/** Read-only access to an ext2/3/4 file system inside a raw disk file, at a byte offset, without mounting it. */
export interface ImageFileSystem {
  /** A file's content, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /** The names in a folder (without `.` and `..`), or undefined when it does not exist. */
  list(path: string): Promise<string[] | undefined>;
  /** What `stat` says of a path (the link target of a symbolic link included), or undefined when it does not exist. */
  stat(path: string): Promise<string | undefined>;
}

/**
 * Opens the file system at `offset` bytes into the raw disk file `raw` with
 * debugfs (read-only, one short process per request: each takes a few ms).
 * Paths are absolute inside the image; debugfs follows symbolic links in the
 * folders of a path, not in its last part.
 *
 * @example
 * const fs = openImageFileSystem({ raw: 'work/image.raw', offset: 1048576, env });
 * await fs.read('/etc/shadow'); // 'root:*:19000:0:99999:7:::\n…'
 */
export function openImageFileSystem(options: { raw: string; offset: number; env: Readonly<Record<string, string>>; signal?: AbortSignal | undefined }): ImageFileSystem {
  const device = `${options.raw}?offset=${options.offset}`;
  const run = async (request: string): Promise<{ stdout: string; missing: boolean }> => {
    const result = await execa('debugfs', ['-R', request, device], {
      env: options.env,
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      cancelSignal: options.signal,
      maxBuffer: 64 << 20,
    });
    // debugfs names its version on stderr first; anything after it is the request's error.
    const errors = result.stderr.split('\n').filter((line) => line && !line.startsWith('debugfs '));
    if (result.exitCode !== 0) throw new Error(`debugfs -R '${request}' ${device} failed (exit ${result.exitCode}): ${errors.join(' ') || 'no output'}`);
    return { stdout: result.stdout, missing: errors.some((line) => NOT_FOUND.test(line)) };
  };
  // debugfs splits its request on blanks; the paths asked for are ours, but keep anything odd out.
  const quote = (path: string) => {
    if (!/^\/[A-Za-z0-9._@+/-]*$/.test(path)) throw new Error(`internal: cannot ask debugfs for ${JSON.stringify(path)} (only plain absolute paths)`);
    return `"${path}"`;
  };
  return {
    async read(path) {
      const result = await run(`cat ${quote(path)}`);
      return result.missing ? undefined : result.stdout;
    },
    async list(path) {
      // -p: one "/inode/mode/uid/gid/name/size/" line per entry.
      const result = await run(`ls -p ${quote(path)}`);
      if (result.missing) return undefined;
      return result.stdout
        .split('\n')
        .map((line) => line.split('/')[5])
        .filter((name): name is string => name !== undefined && name !== '' && name !== '.' && name !== '..');
    },
    async stat(path) {
      const result = await run(`stat ${quote(path)}`);
      return result.missing ? undefined : result.stdout;
    },
  };
}
