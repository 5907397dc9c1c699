// Baseline: the `ws` package (with bufferutil / utf-8-validate, which ws picks up
// when installed, and perMessageDeflate off) doing pushgate's benchmark contract:
//   /echo               reflects every message, text stays text, binary stays binary
//   /stream/<channel>   receives every publication to <channel> as a raw message
//   POST /api/publish/<channel>  raw body → broadcast (text/* → text, else binary)
//   IPC {type:'publish'} in-process publishing (servers/publish-loop.js)
//   --jwt-secret S      handshakes must carry ?token=<HS256 JWT signed with S>
// Broadcast is the loop from ws's own README: one send() per client.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { jwtVerify } from 'jose';
import { parseServerArgs, channelOf, MAX_BODY, MAX_PAYLOAD } from './server-args.js';
import { servePublishRequests } from '../servers/publish-loop.js';

const options = parseServerArgs(process.argv.slice(2));
const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : null;

/** @type {Map<string, Set<import('ws').WebSocket>>} */
const channels = new Map();

/** @param {string} channel @param {Buffer} payload @param {boolean} isBinary */
function broadcast(channel, payload, isBinary) {
  const subscribers = channels.get(channel);
  if (!subscribers) return 0;
  for (const ws of subscribers) ws.send(payload, { binary: isBinary });
  return subscribers.size;
}

/** @param {http.ServerResponse} res @param {number} status @param {object} body */
function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  const channel = channelOf(path, '/api/publish/');
  if (req.method !== 'POST' || channel === null) {
    reply(res, 404, { error: 'not found' });
    return;
  }
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) {
      reply(res, 413, { error: 'body too large' });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY) return;
    const isBinary = !String(req.headers['content-type'] ?? '').startsWith('text/');
    const delivered = broadcast(channel, Buffer.concat(chunks, size), isBinary);
    reply(res, 200, { ok: true, delivered });
  });
  req.on('error', () => {});
});
server.keepAliveTimeout = 60_000;

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_PAYLOAD, clientTracking: false });

/** @param {import('node:stream').Duplex} socket @param {number} status @param {string} reason */
function refuse(socket, status, reason) {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

server.on('upgrade', async (req, socket, head) => {
  socket.on('error', () => {});
  const [path, query = ''] = (req.url ?? '/').split('?');
  const channel = channelOf(path, '/stream/');
  if (path !== '/echo' && channel === null) return refuse(socket, 404, 'Not Found');
  if (secret) {
    const token = new URLSearchParams(query).get('token');
    try {
      if (!token) throw new Error('no token');
      await jwtVerify(token, secret, { algorithms: ['HS256'] });
    } catch {
      return refuse(socket, 401, 'Unauthorized');
    }
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => {});
    if (channel === null) {
      ws.on('message', (data, isBinary) => ws.send(/** @type {Buffer} */ (data), { binary: isBinary }));
      return;
    }
    let set = channels.get(channel);
    if (!set) channels.set(channel, (set = new Set()));
    set.add(ws);
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0 && channels.get(channel) === set) channels.delete(channel);
    });
  });
});

servePublishRequests((channel, payload) => broadcast(channel, payload, true));

server.listen(options.port, options.host, () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`ws baseline listening on ${options.host}:${address.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
