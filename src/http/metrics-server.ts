// The optional separate metrics listener (`metrics.port`): Prometheus scrapes a
// port that is not exposed through the public ingress, and /metrics is then not
// served on the gateway's own port. A plain node:http server whatever the
// engine: scrapes are rare and small, and this keeps the engines unaware of it.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { HttpReply } from '../engines/types.js';
import type { Metrics } from '../metrics/metrics.js';
import { addMetricsRoute } from './metrics-endpoint.js';
import { errorReply } from './reply.js';
import { Router } from './router.js';

export interface MetricsServer {
  listen(): Promise<{ port: number; host: string }>;
  address(): { port: number; host: string } | null;
  close(): Promise<void>;
}

function send(res: ServerResponse, reply: HttpReply, head: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const body = reply.body ?? '';
  res.writeHead(reply.status, { 'content-length': String(Buffer.byteLength(body)), ...reply.headers });
  res.end(head ? undefined : body);
}

export function createMetricsServer(metrics: Metrics, options: { port: number; host: string; path: string }): MetricsServer {
  // The same route (and 404/405 answers from the error table) as on the gateway's port.
  const router = new Router();
  addMetricsRoute(router, metrics, options.path);
  const server: Server = createServer((req, res) => {
    res.on('error', () => {});
    const [path, query = ''] = (req.url ?? '/').split('?', 2);
    const request = { method: req.method ?? 'GET', path, query, headers: {}, remoteAddress: req.socket.remoteAddress ?? '' };
    const head = request.method === 'HEAD';
    const match = router.resolve(request);
    if (!('route' in match)) {
      send(res, match.reply, head);
      return;
    }
    Promise.resolve(match.route.handler(request, () => Promise.resolve(Buffer.alloc(0)), match.params)).then(
      (reply) => send(res, reply, head),
      () => send(res, errorReply('PG_ERR_INTERNAL'), head),
    );
  });
  // A scraper that opens a connection and says nothing must not hold it forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('clientError', (_err, socket) => socket.destroy());
  let bound: { port: number; host: string } | null = null;

  return {
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          const address = server.address();
          bound = { port: typeof address === 'object' && address ? address.port : options.port, host: options.host };
          resolve(bound);
        });
      });
    },
    address: () => bound,
    close() {
      if (!server.listening) return Promise.resolve();
      bound = null;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
