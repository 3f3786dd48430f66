import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openMirrorBody } from '../../src/pipeline/media/open-mirror-body.js';
import { makeTempDir } from '../helpers/write-chain.js';

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

describe('the lean reader over TLS and against a bad server', () => {
  test('https: a certificate the process trusts (NODE_EXTRA_CA_CERTS) is used for the body; an untrusted one is refused', async () => {
    const dir = makeTempDir('goldsmith-tls-');
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    await execa('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    const tls = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.writeHead(200, { 'content-length': String(body.length) }).end(body));
    tls.listen(0, '127.0.0.1');
    await once(tls, 'listening');
    const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/iso`;
    // A child process: the trusted CA is read when Node starts. It prints the body's SHA-256, or the error.
    const script = `import('${new URL('../../dist/pipeline/media/open-mirror-body.js', import.meta.url).pathname}').then(async ({ openMirrorBody }) => {
      const hash = (await import('node:crypto')).createHash('sha256');
      try { const { response } = await openMirrorBody(process.argv[1], { allowedRedirectHosts: [], idleTimeoutMs: 5000 }); await response.readBody((chunk) => void hash.update(chunk)); console.log(hash.digest('hex')); }
      catch (error) { console.log('refused: ' + error.message); }
    })`;
    try {
      const trusted = await execa('node', ['--input-type=module', '-e', script, url], { env: { NODE_EXTRA_CA_CERTS: cert } });
      expect(trusted.stdout).toBe((await import('node:crypto')).createHash('sha256').update(body).digest('hex'));
      const untrusted = await execa('node', ['--input-type=module', '-e', script, url], { env: { NODE_EXTRA_CA_CERTS: '' } });
      expect(untrusted.stdout).toContain('refused: the mirror 127.0.0.1');
      expect(untrusted.stdout).toMatch(/SELF_SIGNED|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY/);
    } finally {
      tls.close();
    }
  });

  test('a chunk size that is not hex (here "-5") is a protocol error, not a silent misread', async () => {
    const raw = createTcpServer((socket) => socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n'));
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    try {
      const { response } = await openMirrorBody(`http://127.0.0.1:${(raw.address() as AddressInfo).port}/iso`, { allowedRedirectHosts: [], idleTimeoutMs: 5_000 });
      await expect(response.readBody(() => true)).rejects.toMatchObject({ code: 'EPROTO', message: 'a bad chunk size line: -5' });
    } finally {
      raw.close();
    }
  });
});
