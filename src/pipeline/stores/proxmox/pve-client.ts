import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { ProxmoxSettings } from '../../../config/read-proxmox-settings.js';
import { scrubText } from '../../scrub-text.js';

/** How the API's certificate is trusted: the system's CAs, a CA file, or a pinned SHA-256 fingerprint. */
export interface PveTls {
  caFile?: string | undefined;
  fingerprint?: string | undefined;
}

export interface PveClientOptions {
  settings: ProxmoxSettings;
  tls: PveTls;
  /** Receives each request and its outcome, scrubbed. */
  log?: ((text: string) => void) | undefined;
  /** Milliseconds one request may take (default 30 s). */
  requestTimeoutMs?: number | undefined;
  /** Milliseconds a task may take before waitTask gives up (default 30 minutes). */
  taskTimeoutMs?: number | undefined;
  /** The longest pause between task status polls (default 2 s); polls start at 50 ms and grow. */
  pollMs?: number | undefined;
}

/**
 * An error of the Proxmox VE API or of reaching it. `transient` is true
 * when trying again later may succeed (the API unreachable, a proxy's 5xx,
 * pveproxy's 595): promotions are then interrupted, not reverted.
 */
export class PveError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly transient: boolean,
  ) {
    super(message);
  }

  /** True when the API said the VM's configuration does not exist (it is gone). */
  get vmGone(): boolean {
    return this.status === 500 && /does not exist|no such VM/i.test(this.message);
  }
}

/** A task's end as `GET /nodes/{node}/tasks/{upid}/status` reports it. */
interface TaskStatus {
  status: 'running' | 'stopped';
  exitstatus?: string;
  type?: string;
  id?: string;
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE']);
/** `application/x-www-form-urlencoded`, as the API takes parameters (in the query for GET and DELETE). */
const encodeForm = (params: Record<string, string | number>) => new URLSearchParams(Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)]))).toString();
/** `path?query`, or `path` alone when there are no parameters. */
const withQuery = (path: string, query: Record<string, string | number>) => (Object.keys(query).length > 0 ? `${path}?${encodeForm(query)}` : path);

/**
 * A small client of the Proxmox VE REST API: API-token authentication,
 * TLS verified against the system's CAs, a configured CA file or a pinned
 * fingerprint (never switched off), `{ data }` bodies unwrapped, the API's
 * error text (its HTTP reason phrase and parameter errors) kept, and tasks
 * (UPIDs) followed to their exit status.
 *
 * @example
 * const pve = new PveClient({ settings: settings.proxmox(), tls: { caFile: '/etc/goldsmith/pve-ca.pem' } });
 * const vms = await pve.get<Array<{ vmid: number; name?: string }>>('/nodes/pve/qemu');
 * await pve.waitTask('pve', await pve.post<string>('/nodes/pve/qemu/91220/template'));
 */
export class PveClient {
  private readonly ca: string | undefined;
  private readonly fingerprint: string | undefined;

  constructor(private readonly options: PveClientOptions) {
    const { caFile, fingerprint } = options.tls;
    if (caFile) {
      try {
        this.ca = readFileSync(caFile, 'utf8');
      } catch (error) {
        throw new Error(`cannot read proxmox.ca_file ${caFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; give the PEM file of the CA that signed the API's certificate`);
      }
    }
    this.fingerprint = fingerprint?.toUpperCase();
  }

  get<T>(path: string, query: Record<string, string | number> = {}): Promise<T> {
    return this.call<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, params: Record<string, string | number> = {}): Promise<T> {
    return this.call<T>('POST', path, params);
  }

  put<T>(path: string, params: Record<string, string | number>): Promise<T> {
    return this.call<T>('PUT', path, params);
  }

  delete<T>(path: string, query: Record<string, string | number> = {}): Promise<T> {
    return this.call<T>('DELETE', withQuery(path, query));
  }

  /**
   * Follows a task until it stops; throws with its exit status unless that
   * is `OK` (or a warning). Timing out is transient: the task goes on in
   * Proxmox, and a retry finds its result.
   */
  async waitTask(node: string, upid: string): Promise<void> {
    const deadline = Date.now() + (this.options.taskTimeoutMs ?? 30 * 60_000);
    const path = `/nodes/${encodeURIComponent(node)}/tasks/${encodeURIComponent(upid)}/status`;
    // Renames and conversions end in a moment, full clones in minutes: poll soon, then less often.
    let pause = 50;
    for (;;) {
      const status = await this.get<TaskStatus>(path);
      if (status.status === 'stopped') {
        const exit = status.exitstatus ?? 'unknown';
        this.note(`# task ${upid}: ${exit}`);
        if (exit === 'OK' || /^WARNINGS: \d+$/.test(exit)) return;
        throw new PveError(`Proxmox task ${status.type ?? 'task'} ${status.id ?? ''} (${upid}) failed: ${exit}`.replace(/ {2,}/g, ' '), null, false);
      }
      if (Date.now() > deadline) throw new PveError(`Proxmox task ${upid} is still running after ${Math.round((this.options.taskTimeoutMs ?? 1_800_000) / 60_000)} minutes (proxmox.task_timeout_minutes); it goes on in Proxmox: run the command again once it has ended`, null, true);
      await sleep(pause);
      pause = Math.min(pause * 1.5, this.options.pollMs ?? 2000);
    }
  }

  private note(text: string): void {
    this.options.log?.(`${scrubText(text, this.options.settings.secrets)}\n`);
  }

  /**
   * A TLS connection to the API, verified before anything is written to it:
   * against the CAs (system or proxmox.ca_file), or the pinned fingerprint.
   */
  private connect(url: URL, method: string): Promise<TLSSocket> {
    const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
    return new Promise<TLSSocket>((resolve, reject) => {
      const socket = tlsConnect({
        host: url.hostname,
        port: Number(url.port || 443),
        ...(isIP(url.hostname) ? {} : { servername: url.hostname }),
        ...(this.ca ? { ca: this.ca } : {}),
        // A pinned fingerprint replaces the CA check (a self-signed certificate): it is compared below.
        rejectUnauthorized: this.fingerprint === undefined,
        timeout: timeoutMs,
      });
      socket.once('secureConnect', () => {
        const seen = socket.getPeerCertificate().fingerprint256?.toUpperCase();
        if (this.fingerprint !== undefined && seen !== this.fingerprint) {
          socket.destroy();
          reject(new PveError(`the Proxmox API at ${this.options.settings.host} presented a certificate with SHA-256 fingerprint ${seen ?? '(none)'}, not the pinned proxmox.fingerprint ${this.fingerprint}: nothing was sent. Check the certificate (pvenode cert info) and update the pin`, null, false));
          return;
        }
        socket.setTimeout(0);
        resolve(socket);
      });
      socket.once('timeout', () => socket.destroy(new PveError(`${method} ${url.pathname}: no TLS connection to ${this.options.settings.host} within ${timeoutMs / 1000} s`, null, true)));
      socket.once('error', (error) => reject(error instanceof PveError ? error : this.connectionError(method, url.pathname, error as NodeJS.ErrnoException)));
    });
  }

  private async call<T>(method: string, path: string, params?: Record<string, string | number>): Promise<T> {
    const url = new URL(`${this.options.settings.apiBase}${path}`);
    const body = params ? encodeForm(params) : undefined;
    this.note(`${method} ${url.pathname}${url.search}${body ? ` ${body}` : ''}`);
    const socket = await this.connect(url, method);
    const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
    const requestOptions: RequestOptions = {
      method,
      headers: {
        Authorization: this.options.settings.authorization,
        Accept: 'application/json',
        Connection: 'close',
        ...(body !== undefined ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } : {}),
      },
      timeout: timeoutMs,
      createConnection: () => socket,
    };
    return new Promise<T>((resolve, reject) => {
      const req = httpsRequest(url, requestOptions, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: { data?: unknown; errors?: Record<string, string> } = {};
          try {
            parsed = text ? (JSON.parse(text) as typeof parsed) : {};
          } catch {
            // pveproxy answers some errors without a JSON body: the reason phrase carries the message.
          }
          if (status >= 200 && status < 300) {
            this.note(`  ${status}`);
            resolve(parsed.data as T);
            return;
          }
          reject(this.errorOf(method, url.pathname, status, res.statusMessage ?? '', parsed.errors));
        });
        res.on('error', (error) => reject(new PveError(`${method} ${url.pathname}: ${error.message}`, null, true)));
      });
      req.on('timeout', () => req.destroy(new PveError(`${method} ${url.pathname}: no answer from ${this.options.settings.host} within ${timeoutMs / 1000} s`, null, true)));
      req.on('error', (error) => reject(error instanceof PveError ? error : this.connectionError(method, url.pathname, error as NodeJS.ErrnoException)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  private errorOf(method: string, path: string, status: number, reason: string, errors: Record<string, string> | undefined): PveError {
    const details = errors ? Object.entries(errors).map(([field, message]) => `${field}: ${message.trim()}`).join('; ') : '';
    const said = [reason.trim(), details].filter(Boolean).join(': ') || 'no reason given';
    this.note(`  ${status} ${said}`);
    if (status === 401) {
      return new PveError(`Proxmox refused the API token ${this.options.settings.tokenId} (HTTP 401 ${said}): it is wrong, expired or revoked. Create a new one (docs/proxmox.md) and set PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET`, status, false);
    }
    if (status === 403) {
      return new PveError(`the API token ${this.options.settings.tokenId} lacks a privilege for ${method} ${path} (HTTP 403 ${said}): grant the role docs/proxmox.md lists`, status, false);
    }
    // 502-504 from a proxy in front, 595/596 from pveproxy when a node does not answer.
    const transient = status === 502 || status === 503 || status === 504 || status === 595 || status === 596;
    return new PveError(`${method} ${path}: HTTP ${status} ${said}`, status, transient);
  }

  private connectionError(method: string, path: string, error: NodeJS.ErrnoException): PveError {
    const code = error.code ?? '';
    if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS/.test(code)) {
      return new PveError(
        `the Proxmox API at ${this.options.settings.host} presented a certificate this host does not trust (${code}): give its CA in proxmox.ca_file, or pin its fingerprint in proxmox.fingerprint (docs/proxmox.md); TLS verification is never switched off`,
        null,
        false,
      );
    }
    return new PveError(`${method} ${path}: cannot reach the Proxmox API at ${this.options.settings.host} (${code || error.message})`, null, TRANSIENT_CODES.has(code));
  }
}
