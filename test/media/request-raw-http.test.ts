import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openMirrorBody } from '../../src/pipeline/media/open-mirror-body.js';

const body = randomBytes(3 * 1024 * 1024 + 17);
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/chunked') {
      // No Content-Length on HTTP/1.1: node:http sends it chunked, in uneven pieces.
      res.writeHead(200);
      for (let at = 0; at < body.length; at += 100_003) res.write(body.subarray(at, at + 100_003));
      res.end();
    } else if (req.url === '/moved') {
      res.writeHead(302, { location: '/sized' }).end();
    } else if (req.url === '/sized') {
      res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    } else if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': String(body.length) });
      res.write(body.subarray(0, 1024 * 1024), () => res.socket?.destroy());
    } else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => server?.close());

/** The body as the caller sees it: each view copied, since the reader reuses its buffer. */
async function read(path: string): Promise<Buffer> {
  const { response } = await openMirrorBody(`${base}${path}`, { allowedRedirectHosts: [], idleTimeoutMs: 5_000 });
  const parts: Buffer[] = [];
  await response.readBody((chunk) => void parts.push(Buffer.from(chunk)));
  return Buffer.concat(parts);
}

describe('the lean reader of an ISO body', () => {
  test('a chunked body arrives whole and unchanged', async () => {
    expect((await read('/chunked')).equals(body)).toBe(true);
  });

  test('a redirect on the same host is followed to a sized body', async () => {
    expect((await read('/moved')).equals(body)).toBe(true);
  });

  test('a connection cut before Content-Length is an early end (ECONNRESET), not a short success', async () => {
    await expect(read('/cut')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  test('a 404 names the URL and the fix', async () => {
    await expect(read('/gone')).rejects.toThrow(`the mirror answered 404 for ${base}/gone: check the URL in packer/matrix.json`);
  });
});
