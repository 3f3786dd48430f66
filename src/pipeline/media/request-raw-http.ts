import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';

/** An HTTP/1.1 answer whose body is read into one reused buffer. */
export interface RawHttpResponse {
  statusCode: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /**
   * Streams the body to `onChunk`, a view of a reused buffer that is valid only
   * during the call (write or hash it there). Returning false stops reading
   * (the connection is closed). Resolves at the body's end (Content-Length,
   * last chunk, or the server closing an unsized body); rejects with code
   * ECONNRESET when the connection ends early, ETIMEDOUT when it goes silent.
   */
  readBody(onChunk: (chunk: Buffer) => boolean | void): Promise<void>;
  /** Closes the connection, body unread. */
  destroy(): void;
}

/** Socket reads land in this one buffer: no allocation per read, so no garbage and no page faults per MiB. */
const READ_BUFFER_BYTES = 1 << 20;
const MAX_HEAD_BYTES = 64 * 1024;

const failure = (message: string, code: string) => Object.assign(new Error(message), { code });

function parseHead(head: string): { statusCode: number; headers: Record<string, string> } {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) throw failure(`not an HTTP/1.x answer: ${statusLine.slice(0, 80)}`, 'EPROTO');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { statusCode: Number(status[1]), headers };
}

/**
 * GETs `url` over HTTP/1.1 (TLS for https, the certificate checked as
 * node:https does) on a socket that reads into one reused 1 MiB buffer,
 * instead of node:http's fresh 64 KiB buffer per read: for a gigabyte that is
 * 16,000 allocations fewer, and about half the CPU. One request per
 * connection (`Connection: close`). Resolves once the head has arrived.
 *
 * @example
 * const answer = await requestRawHttp(new URL('https://releases.ubuntu.com/24.04/ubuntu.iso'), { range: 'bytes=1048576-' }, 60_000);
 * await answer.readBody((chunk) => void writeSync(fd, chunk));
 */
export function requestRawHttp(url: URL, headers: Record<string, string>, idleTimeoutMs: number): Promise<RawHttpResponse> {
  return new Promise((resolve, reject) => {
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let head: Buffer = Buffer.alloc(0);
    let pending: Buffer | undefined;
    let body: ((chunk: Buffer) => boolean) | undefined;
    let ended: ((error?: Error) => void) | undefined;
    let settled = false;
    const onread = {
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback(nread: number, buffer: Buffer): boolean {
        const chunk = buffer.subarray(0, nread);
        if (body) return body(chunk);
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > MAX_HEAD_BYTES) socket.destroy(failure(`the answer's head is over ${MAX_HEAD_BYTES} bytes`, 'EPROTO'));
          return true;
        }
        // The first body bytes shared the head's read: keep a copy, and pause until the caller reads the body.
        pending = Buffer.from(head.subarray(end + 4));
        try {
          answered(parseHead(head.subarray(0, end).toString('latin1')));
        } catch (error) {
          socket.destroy(error as Error);
        }
        return false;
      },
    };
    const request = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n${Object.entries({ 'user-agent': 'goldsmith', ...headers })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}Connection: close\r\n\r\n`;
    const socket: Socket =
      url.protocol === 'https:'
        ? // tls.connect takes onread as net.connect does (Node 15.13 and later); its type declarations do not say so yet.
          connectTls({ host, port, servername: /^[\d.]+$|:/.test(host) ? undefined : host, onread } as ConnectionOptions, () => socket.write(request))
        : connectTcp({ host, port, onread }, () => socket.write(request));
    socket.setTimeout(idleTimeoutMs, () => socket.destroy(failure(`no byte for ${idleTimeoutMs / 1000} s`, 'ETIMEDOUT')));
    socket.on('error', (error) => (settled ? ended?.(error) : reject(error)));
    socket.on('close', () => (settled ? ended?.() : reject(failure('the connection closed before an answer', 'ECONNRESET'))));
    // An onread socket still signals its end through the stream; resuming lets that happen.
    socket.on('end', () => ended?.());

    function answered({ statusCode, headers: answerHeaders }: { statusCode: number; headers: Record<string, string> }): void {
      settled = true;
      resolve({
        statusCode,
        headers: answerHeaders,
        destroy: () => socket.destroy(),
        readBody(onChunk) {
          const chunked = /\bchunked\b/i.test(answerHeaders['transfer-encoding'] ?? '');
          const length = chunked ? undefined : answerHeaders['content-length'] !== undefined ? Number(answerHeaders['content-length']) : undefined;
          return new Promise<void>((done, fail) => {
            let received = 0;
            let finished = false;
            let stopped = false; // the caller wanted no more: not an early end
            const finish = (error?: Error): void => {
              if (finished) return;
              finished = true;
              if (error) fail(error);
              else if (stopped) done();
              else if (length !== undefined && received < length) fail(failure('the connection closed early', 'ECONNRESET'));
              else if (chunked && !decoder.complete) fail(failure('the connection closed early', 'ECONNRESET'));
              else done();
              socket.destroy();
            };
            ended = finish;
            const decoder = chunkDecoder((data) => {
              received += data.length;
              stopped = onChunk(data) === false;
              return !stopped;
            });
            body = (chunk) => {
              if (finished) return false;
              let going: boolean;
              try {
                if (chunked) going = decoder.push(chunk);
                else {
                  const take = length === undefined ? chunk : chunk.subarray(0, Math.max(0, length - received));
                  received += take.length;
                  stopped = take.length > 0 && onChunk(take) === false;
                  going = !stopped;
                }
              } catch (error) {
                finish(error as Error);
                return false;
              }
              if (!going || (length !== undefined && received >= length) || decoder.complete) {
                finish();
                return false;
              }
              return true;
            };
            const first = pending!;
            pending = undefined;
            if (first.length === 0 || body(first)) socket.resume();
          });
        },
      });
    }
  });
}

/** Decodes `Transfer-Encoding: chunked`, handing each piece of data on as it arrives (no copy of the data). */
function chunkDecoder(onData: (data: Buffer) => boolean): { push(chunk: Buffer): boolean; complete: boolean } {
  let left = 0; // data bytes left in the current chunk
  let line = ''; // a size line (or the CRLF after data) being read
  let afterData = false;
  const state = {
    complete: false,
    push(chunk: Buffer): boolean {
      let at = 0;
      while (at < chunk.length && !state.complete) {
        if (left > 0) {
          const take = Math.min(left, chunk.length - at);
          left -= take;
          const going = onData(chunk.subarray(at, at + take));
          at += take;
          if (left === 0) afterData = true;
          if (!going) return false;
          continue;
        }
        const newline = chunk.indexOf(10, at);
        line += chunk.toString('latin1', at, newline < 0 ? chunk.length : newline + 1);
        if (line.length > 4096) throw failure('a chunk size line is too long', 'EPROTO');
        if (newline < 0) break;
        at = newline + 1;
        const text = line.trim();
        line = '';
        if (afterData) {
          afterData = false; // the CRLF that ends a chunk's data
          continue;
        }
        const digits = text.split(';')[0]!.trim();
        // Hex digits only: parseInt would take "-5" or "0x10" and lose its place in the stream.
        const size = /^[0-9a-f]{1,12}$/i.test(digits) ? parseInt(digits, 16) : NaN;
        if (!Number.isFinite(size)) throw failure(`a bad chunk size line: ${text.slice(0, 40)}`, 'EPROTO');
        if (size === 0) state.complete = true; // trailers after the last chunk are not needed
        else left = size;
      }
      return true;
    },
  };
  return state;
}
