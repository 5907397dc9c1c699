// Interop of the uws engine with independent clients: the `ws` npm client and
// Python's `websockets` (test/helpers/py_echo_client.py), text and binary up to
// 16 MiB, with and without permessage-deflate, on a gateway echo route.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { Gateway } from '../../../src/index.js';
import { startGateway } from '../../http/fixture.js';
import { engineUnavailableReason } from '../../helpers/engines.js';

const SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20, 4 << 20, 16 << 20];
const PY_CLIENT = fileURLToPath(new URL('../../helpers/py_echo_client.py', import.meta.url));

describe('uws engine interop', { skip: engineUnavailableReason('uws') ?? false }, () => {
  let gateway: Gateway;
  let port: number;
  before(async () => {
    ({ gateway, port } = await startGateway({
      server: { engine: 'uws' },
      routes: [{ path: '/echo', type: 'echo', compression: true, maxMessageSize: 17 << 20, maxBufferedAmount: 64 << 20 }],
    }));
  });
  after(() => gateway.close());

  for (const deflate of [false, true]) {
    it(`ws client ${deflate ? 'with' : 'without'} permessage-deflate: text and binary, 0 B to 16 MiB, fragmented`, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`, { perMessageDeflate: deflate, maxPayload: 32 << 20 });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      assert.equal(ws.extensions.includes('permessage-deflate'), deflate);
      const next = () =>
        new Promise<{ data: Buffer; isBinary: boolean }>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no echo within 60 s')), 60_000);
          ws.once('message', (data: Buffer, isBinary: boolean) => {
            clearTimeout(timer);
            resolve({ data, isBinary });
          });
        });
      for (const isBinary of [false, true]) {
        for (const size of SIZES) {
          const payload = Buffer.alloc(size, isBinary ? 0xa5 : 0x61);
          const echo = next();
          ws.send(isBinary ? payload : payload.toString(), { binary: isBinary });
          const got = await echo;
          assert.equal(got.isBinary, isBinary, `size ${size}`);
          assert.ok(got.data.equals(payload), `size ${size} binary=${isBinary}`);
        }
      }
      const echo = next();
      ws.send('first ', { fin: false });
      ws.send('x'.repeat(70_000), { fin: false });
      ws.send(' last', { fin: true });
      assert.equal((await echo).data.toString(), 'first ' + 'x'.repeat(70_000) + ' last');
      const code = await new Promise<number>((resolve) => {
        ws.once('close', resolve);
        ws.close(1000);
      });
      assert.equal(code, 1000);
    });
  }

  for (const mode of ['plain', 'deflate'] as const) {
    it(`Python websockets client (${mode}): text and binary 0 B to 16 MiB, fragmented`, async () => {
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('/usr/bin/python3', [PY_CLIENT, String(port), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('close', (exit) => {
          clearTimeout(timer);
          resolve({ code: exit, stdout: out, stderr: err });
        });
      });
      assert.equal(code, 0, stderr || stdout);
      const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { checked: unknown[]; close_code: number; extensions: string };
      assert.ok(report.checked.length > 0);
      assert.equal(report.close_code, 1000);
      assert.equal(report.extensions.includes('permessage-deflate'), mode === 'deflate');
    });
  }
});
