import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { posix } from 'node:path';

/** How a folder's index page is drawn: as the mirrors of each distribution draw theirs. */
export type IndexStyle =
  /** Apache mod_autoindex FancyIndexing with a table (releases.ubuntu.com). */
  | 'apache-fancy'
  /** Apache with HTMLTable and CSS classes (cdimage.debian.org). */
  | 'apache-debian'
  /** nginx autoindex: a <pre> of links (download.rockylinux.org). */
  | 'nginx'
  /** nginx fancyindex: a table with title attributes (repo.almalinux.org). */
  | 'nginx-fancy';

/** One request the mirror received. */
export interface MirrorRequest {
  path: string;
  range: string | undefined;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function renderIndex(style: IndexStyle, folder: string, names: string[], sizes: Map<string, number>): string {
  const title = `Index of ${folder}`;
  switch (style) {
    case 'apache-fancy':
      return [
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">',
        `<html>\n <head>\n  <title>${title}</title>\n </head>\n <body>\n<h1>${title}</h1>`,
        '  <table>',
        '   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th><th><a href="?C=D;O=A">Description</a></th></tr>',
        '   <tr><th colspan="5"><hr></th></tr>',
        '<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>',
        ...names.map((name) => `<tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="${esc(encodeURIComponent(name))}">${esc(name)}</a></td><td align="right">2025-08-07 16:55  </td><td align="right">${sizes.get(name)} </td><td>&nbsp;</td></tr>`),
        '   <tr><th colspan="5"><hr></th></tr>',
        '</table>',
        '<address>Apache/2.4.29 (Ubuntu) Server at releases.ubuntu.com Port 443</address>',
        '</body></html>',
      ].join('\n');
    case 'apache-debian':
      return [
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
        `<html xmlns="http://www.w3.org/1999/xhtml"><head><title>${title}</title></head><body>`,
        `<h1>${title}</h1>`,
        '<table id="indexlist">',
        ' <tr class="indexhead"><th class="indexcolicon"><img src="/icons2/blank.png" alt="[ICO]" /></th><th class="indexcolname"><a href="?C=N;O=A">Name</a></th><th class="indexcollastmod"><a href="?C=M;O=A">Last modified</a></th><th class="indexcolsize"><a href="?C=S;O=A">Size</a></th></tr>',
        ' <tr class="indexbreakrow"><th colspan="4"><hr /></th></tr>',
        ' <tr class="even"><td class="indexcolicon"><a href="../"><img src="/icons2/go-previous.png" alt="[PARENTDIR]" /></a></td><td class="indexcolname"><a href="../">Parent Directory</a></td><td class="indexcollastmod">&nbsp;</td><td class="indexcolsize">  - </td></tr>',
        ...names.map((name, i) => ` <tr class="${i % 2 ? 'even' : 'odd'}"><td class="indexcolicon"><a href="${esc(name)}"><img src="/icons2/iso.png" alt="[   ]" /></a></td><td class="indexcolname"><a href="${esc(name)}">${esc(name)}</a></td><td class="indexcollastmod">2025-09-06 10:26  </td><td class="indexcolsize">${sizes.get(name)}</td></tr>`),
        ' <tr class="indexbreakrow"><th colspan="4"><hr /></th></tr>',
        '</table>',
        '<address>Apache Server at cdimage.debian.org Port 443</address>',
        '</body></html>',
      ].join('\n');
    case 'nginx':
      return [
        '<html>',
        `<head><title>${title}</title></head>`,
        '<body>',
        `<h1>${title}</h1><hr><pre><a href="../">../</a>`,
        ...names.map((name) => `<a href="${esc(encodeURIComponent(name))}">${esc(name.length > 50 ? `${name.slice(0, 47)}..&gt;` : name)}</a>${' '.repeat(Math.max(1, 51 - name.length))}16-Nov-2025 03:14 ${String(sizes.get(name)).padStart(19)}`),
        '</pre><hr></body>',
        '</html>',
      ].join('\n');
    case 'nginx-fancy':
      return [
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>' + title + '</title></head><body>',
        `<h1>${title}</h1>`,
        '<table id="list"><thead><tr><th style="width:55%"><a href="?C=N&amp;O=A">File Name</a>&nbsp;<a href="?C=N&amp;O=D">&nbsp;&darr;&nbsp;</a></th><th style="width:20%"><a href="?C=S&amp;O=A">File Size</a></th><th style="width:25%"><a href="?C=M&amp;O=A">Date</a></th></tr></thead>',
        '<tbody><tr><td class="link"><a href="../">Parent directory/</a></td><td class="size">-</td><td class="date">-</td></tr>',
        ...names.map((name) => `<tr><td class="link"><a href="${esc(name)}" title="${esc(name)}">${esc(name)}</a></td><td class="size">${sizes.get(name)}</td><td class="date">2025-Nov-18 12:01</td></tr>`),
        '</tbody></table></body></html>',
      ].join('\n');
  }
}

/**
 * A real HTTP mirror on 127.0.0.1 for the ISO tests: folders with index
 * pages in the four mirror styles, files (ISOs, SHA256SUMS, CHECKSUM), HTTP
 * Range, and the misbehaviours a test asks for: a transfer cut after N bytes
 * once, a redirect, an endless body, a corrupted file.
 *
 * @example
 * const mirror = await startTestMirror();
 * mirror.folder('/ubuntu/24.04/', 'apache-fancy');
 * mirror.file('/ubuntu/24.04/ubuntu-24.04.3-live-server-amd64.iso', mirror.randomIso(3));
 */
export class TestMirror {
  url = '';
  readonly requests: MirrorRequest[] = [];
  private readonly files = new Map<string, Buffer>();
  private readonly folders = new Map<string, IndexStyle>();
  private readonly cutOnce = new Map<string, number>();
  private readonly redirects = new Map<string, string>();
  private readonly endless = new Set<string>();
  private readonly fakeLength = new Set<string>();
  private server: Server | undefined;

  static async start(): Promise<TestMirror> {
    const mirror = new TestMirror();
    mirror.server = createServer((req, res) => mirror.handle(req, res));
    mirror.server.listen(0, '127.0.0.1');
    await once(mirror.server, 'listening');
    mirror.url = `http://127.0.0.1:${(mirror.server.address() as AddressInfo).port}`;
    return mirror;
  }

  /** Serves an index page for `path` (ending in /) listing the files directly inside. */
  folder(path: string, style: IndexStyle): this {
    this.folders.set(path, style);
    return this;
  }

  file(path: string, content: Buffer | string): this {
    this.files.set(path, Buffer.from(content));
    return this;
  }

  /** Random bytes of `mib` MiB: an ISO stand-in. */
  randomIso(mib: number): Buffer {
    return randomBytes(mib * 1024 * 1024);
  }

  /** The next GET of `path` sends the headers of the whole file, then `bytes` bytes, then drops the connection. */
  cutAfter(path: string, bytes: number): this {
    this.cutOnce.set(path, bytes);
    return this;
  }

  redirect(path: string, location: string): this {
    this.redirects.set(path, location);
    return this;
  }

  /** `path` answers 200 with no Content-Length and never ends. */
  endlessBody(path: string): this {
    this.endless.add(path);
    return this;
  }

  /** GETs (not HEADs) of `path`, with their Range headers. */
  requestsOf(path: string): MirrorRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://mirror').pathname);
    this.requests.push({ path, range: req.headers.range });
    const redirect = this.redirects.get(path);
    if (redirect) {
      res.writeHead(302, { location: redirect }).end();
      return;
    }
    if (this.endless.has(path)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(1 << 20, 0x41);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
      return;
    }
    const style = this.folders.get(path);
    if (style) {
      const names = [...this.files.keys()].filter((file) => posix.dirname(file) + '/' === path).map((file) => posix.basename(file)).sort();
      const sizes = new Map(names.map((name) => [name, this.files.get(path + name)!.length]));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderIndex(style, path, names, sizes));
      return;
    }
    const body = this.files.get(path);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= body.length && range) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    const part = body.subarray(start);
    res.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': String(part.length),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    const cut = this.cutOnce.get(path);
    if (cut !== undefined) {
      this.cutOnce.delete(path);
      res.write(part.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(part);
  }
}

/** `sha256sum` format (`<hex>  name`, or `<hex> *name` when `binary`). */
export function gnuSums(files: Record<string, Buffer>, binary = false): string {
  return Object.entries(files).map(([name, body]) => `${createHash('sha256').update(body).digest('hex')} ${binary ? '*' : ' '}${name}\n`).join('');
}

/** BSD tagged format, as Rocky's and AlmaLinux's CHECKSUM files (with the comment lines they carry). */
export function bsdSums(files: Record<string, Buffer>): string {
  return ['# Rocky-9.7-x86_64-dvd.iso: 12345 bytes', ...Object.entries(files).map(([name, body]) => `SHA256 (${name}) = ${createHash('sha256').update(body).digest('hex')}`), ''].join('\n');
}

export const sha256Of = (body: Buffer): string => createHash('sha256').update(body).digest('hex');
