import { openMirrorUrl, type MirrorFetchOptions } from './open-mirror-url.js';

/**
 * Reads a small mirror file (an index page, a sums file) as text, refusing
 * one larger than `maxBytes`: a declared Content-Length over the limit is
 * refused before reading, an endless body is cut off at the limit.
 *
 * @example
 * const { text } = await readMirrorText('https://releases.ubuntu.com/24.04/SHA256SUMS', { ...fetchOptions, maxBytes: 4 << 20 });
 */
export async function readMirrorText(url: string, options: MirrorFetchOptions & { maxBytes: number }): Promise<{ text: string; url: string }> {
  const { response, url: final } = await openMirrorUrl(url, options);
  const declared = Number(response.headers['content-length']);
  const tooLarge = () => new Error(`${final} is larger than ${options.maxBytes} bytes (media.max_index_bytes): not an index page or sums file; check the URL`);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBytes) {
        response.destroy();
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (size > options.maxBytes) throw error;
    throw new Error(`reading ${final} failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): try again when the mirror is back`);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), url: final };
}
