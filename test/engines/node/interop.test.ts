// Interop with independent clients: the `ws` npm client and Python's `websockets`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startEchoServer, type EchoServer } from '../../helpers/echo-server.js';

const SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20];
let server: EchoServer;
before(async () => {
  server = await startEchoServer({ connection: { compression: true, maxMessageSize: 17 << 20, maxBufferedAmount: 64 << 20 } });
});
after(() => server.close());

function openWs(perMessageDeflate: boolean): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/echo`, { perMessageDeflate, maxPayload: 32 << 20 });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no echo within 60 s')), 60_000);
    ws.once('message', (data, isBinary) => {
      clearTimeout(timer);
      resolve({ data: data as Buffer, isBinary });
    });
  });
}

function closeWs(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    ws.once('close', (code) => resolve(code));
    ws.close(1000);
  });
}

for (const deflate of [false, true]) {
  const label = deflate ? 'with permessage-deflate' : 'without compression';

  test(`ws client ${label}: text and binary, 0 B to 16 MiB`, async () => {
    const ws = await openWs(deflate);
    assert.equal(ws.extensions.includes('permessage-deflate'), deflate);
    for (const isBinary of [false, true]) {
      for (const size of SIZES) {
        const payload = Buffer.alloc(size, isBinary ? 0xa5 : 0x61);
        const echo = nextMessage(ws);
        ws.send(isBinary ? payload : payload.toString(), { binary: isBinary });
        const got = await echo;
        assert.equal(got.isBinary, isBinary, `size ${size}`);
        assert.ok(got.data.equals(payload), `size ${size} binary=${isBinary}`);
      }
    }
    assert.equal(await closeWs(ws), 1000);
  });

  test(`ws client ${label}: fragmented messages`, async () => {
    const ws = await openWs(deflate);
    const echo = nextMessage(ws);
    ws.send('first ', { fin: false });
    ws.send('x'.repeat(70_000), { fin: false });
    ws.send(' last', { fin: true });
    const got = await echo;
    assert.equal(got.isBinary, false);
    assert.equal(got.data.toString(), 'first ' + 'x'.repeat(70_000) + ' last');
    const echoBin = nextMessage(ws);
    ws.send(Buffer.from([1, 2]), { fin: false, binary: true });
    ws.send(Buffer.alloc(5000, 3), { fin: true, binary: true });
    const bin = await echoBin;
    assert.equal(bin.isBinary, true);
    assert.ok(bin.data.equals(Buffer.concat([Buffer.from([1, 2]), Buffer.alloc(5000, 3)])));
    assert.equal(await closeWs(ws), 1000);
  });
}

const PY_CLIENT = fileURLToPath(new URL('../../helpers/py_echo_client.py', import.meta.url));

function runPython(mode: 'deflate' | 'plain'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/python3', [PY_CLIENT, String(server.port), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

for (const mode of ['plain', 'deflate'] as const) {
  test(`Python websockets client (${mode}): text and binary 0 B to 16 MiB, fragmented`, async () => {
    const { code, stdout, stderr } = await runPython(mode);
    assert.equal(code, 0, stderr || stdout);
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { checked: unknown[]; close_code: number; extensions: string };
    assert.equal(report.checked.length, SIZES.length * 2 + 1);
    assert.equal(report.close_code, 1000);
    assert.equal(report.extensions.includes('permessage-deflate'), mode === 'deflate');
  });
}
