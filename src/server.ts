import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';

/**
 * goldsmith's one HTTP server: wiring only. It routes by path and owns no
 * behaviour:
 *
 * | path            | handler                                                   |
 * |-----------------|-----------------------------------------------------------|
 * | `/slack/*`      | the Slack bot (its guard checks every request, then Bolt) |
 * | `/github/*`     | the GitHub bot, when mounted (checks its webhook secret)  |
 * | `GET /healthz`  | `health()`: 200 or 503 with JSON                          |
 * | `GET /metrics`  | `metrics()`: Prometheus text                              |
 */
export interface GoldsmithServerOptions {
  slack: RequestListener;
  /** The GitHub bot's webhook listener (mounted at /github/…), once it exists. */
  github?: RequestListener | undefined;
  health: () => { ok: boolean; [detail: string]: unknown };
  metrics: () => string;
  /** Called with how long each Slack request took to be answered: the ack latency. */
  observeSlackAck: (seconds: number) => void;
  onError: (error: Error, request: { method: string | undefined; path: string }) => void;
}

function answer(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function mount(listener: RequestListener, req: IncomingMessage, res: ServerResponse, path: string, onError: GoldsmithServerOptions['onError']): void {
  try {
    // Bolt throws synchronously for a path it does not serve: that is a 404, and nothing was done.
    const pending = listener(req, res) as unknown;
    if (pending instanceof Promise) pending.catch((error: Error) => fail(error));
  } catch (error) {
    fail(error as Error);
  }
  function fail(error: Error): void {
    if ((error as { code?: string }).code === 'slack_bolt_http_receiver_deferred_request_error') return answer(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    onError(error, { method: req.method, path });
    if (!res.headersSent) answer(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
  }
}

/**
 * The HTTP server of `goldsmith serve` (not yet listening).
 *
 * @example
 * const server = createGoldsmithServer({ slack: bot.requestListener, health, metrics: () => registry.render(), observeSlackAck, onError });
 * server.listen(3000, '0.0.0.0');
 */
export function createGoldsmithServer(options: GoldsmithServerOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/slack/')) {
      const started = process.hrtime.bigint();
      res.once('finish', () => options.observeSlackAck(Number(process.hrtime.bigint() - started) / 1e9));
      return mount(options.slack, req, res, path, options.onError);
    }
    // The GitHub bot mounts here (issue: GitHub promotion PRs): its listener checks X-Hub-Signature-256 itself.
    if (path.startsWith('/github/') && options.github) return mount(options.github, req, res, path, options.onError);
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const health = options.health();
      return answer(res, health.ok ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify(health)}\n`);
    }
    if (path === '/metrics' && req.method === 'GET') return answer(res, 200, 'text/plain; version=0.0.4; charset=utf-8', options.metrics());
    answer(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  });
}
