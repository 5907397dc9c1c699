// Baseline: raw uWebSockets.js doing pushgate's benchmark contract (see ws-server.js):
// channels are uWS topics and fan-out is uWS's own app.publish (framed once, in C++).
// The uWebSockets.js package silently falls back to a JavaScript emulation when its
// binary does not load; benchmarking that would be meaningless, so refuse to run.
import { createRequire } from 'node:module';
import { jwtVerify } from 'jose';
import { parseServerArgs, channelOf, MAX_BODY, MAX_PAYLOAD } from './server-args.js';
import { servePublishRequests } from '../servers/publish-loop.js';

const require = createRequire(import.meta.url);
/** @type {any} */
const uWS = require('uWebSockets.js');
const nativeLoaded = Object.keys(require.cache).some((path) => /uws_[^/]*\.node$/.test(path));
if (!nativeLoaded) {
  process.stderr.write('uws baseline: the native uWebSockets.js binary did not load (JS fallback in use); refusing to benchmark it\n');
  process.exit(3);
}

const options = parseServerArgs(process.argv.slice(2));
const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : null;
const app = uWS.App();

/**
 * Upgrade with an optional JWT check. The check is async: the response may be
 * aborted meanwhile, and an aborted response must never be touched.
 * @param {any} res @param {any} req @param {any} context @param {object} userData
 */
function upgrade(res, req, context, userData) {
  const key = req.getHeader('sec-websocket-key');
  const protocol = req.getHeader('sec-websocket-protocol');
  const extensions = req.getHeader('sec-websocket-extensions');
  if (!secret) {
    res.upgrade(userData, key, protocol, extensions, context);
    return;
  }
  const token = new URLSearchParams(req.getQuery() ?? '').get('token');
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  (token ? jwtVerify(token, secret, { algorithms: ['HS256'] }) : Promise.reject(new Error('no token'))).then(
    () => {
      if (!aborted) res.cork(() => res.upgrade(userData, key, protocol, extensions, context));
    },
    () => {
      if (!aborted) res.cork(() => res.writeStatus('401 Unauthorized').end());
    },
  );
}

const common = {
  compression: uWS.DISABLED,
  maxPayloadLength: MAX_PAYLOAD,
  // Same no-loss contract as the ws baseline (which buffers without bound): never
  // skip a slow subscriber during a bounded benchmark.
  maxBackpressure: 256 * 1024 * 1024,
  closeOnBackpressureLimit: false,
  idleTimeout: 120,
};

app.ws('/echo', {
  ...common,
  upgrade: (/** @type {any} */ res, /** @type {any} */ req, /** @type {any} */ context) => upgrade(res, req, context, {}),
  message: (/** @type {any} */ ws, /** @type {ArrayBuffer} */ message, /** @type {boolean} */ isBinary) => {
    ws.send(message, isBinary);
  },
});

app.ws('/stream/*', {
  ...common,
  upgrade: (/** @type {any} */ res, /** @type {any} */ req, /** @type {any} */ context) => {
    const channel = channelOf(req.getUrl(), '/stream/');
    if (channel === null) {
      res.writeStatus('404 Not Found').end();
      return;
    }
    upgrade(res, req, context, { channel });
  },
  open: (/** @type {any} */ ws) => {
    ws.subscribe(ws.getUserData().channel);
  },
});

app.post('/api/publish/*', (/** @type {any} */ res, /** @type {any} */ req) => {
  const channel = channelOf(req.getUrl(), '/api/publish/');
  const isBinary = !req.getHeader('content-type').startsWith('text/');
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  if (channel === null) {
    res.writeStatus('404 Not Found').end('{"error":"not found"}');
    return;
  }
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  res.onData((/** @type {ArrayBuffer} */ chunk, /** @type {boolean} */ isLast) => {
    if (aborted) return;
    size += chunk.byteLength;
    if (size > MAX_BODY) {
      aborted = true;
      res.writeStatus('413 Payload Too Large').end('{"error":"body too large"}', true);
      return;
    }
    // uWS reuses the chunk's memory after this callback: copy it.
    chunks.push(Buffer.from(new Uint8Array(chunk)));
    if (!isLast) return;
    const body = Buffer.concat(chunks, size);
    const delivered = app.numSubscribers(channel);
    app.publish(channel, body, isBinary);
    res.cork(() => res.writeHeader('content-type', 'application/json').end(JSON.stringify({ ok: true, delivered })));
  });
});

app.any('/*', (/** @type {any} */ res) => {
  res.writeStatus('404 Not Found').end('{"error":"not found"}');
});

servePublishRequests((channel, payload) => app.publish(channel, payload, true));

app.listen(options.host, options.port, (/** @type {any} */ token) => {
  if (!token) {
    process.stderr.write(`uws baseline: cannot listen on ${options.host}:${options.port}\n`);
    process.exit(1);
  }
  process.stdout.write(`uws baseline listening on ${options.host}:${uWS.us_socket_local_port(token)}\n`);
});
process.on('SIGTERM', () => process.exit(0));
