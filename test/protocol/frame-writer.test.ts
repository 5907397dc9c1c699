import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, inflateRawSync } from 'node:zlib';
import { buildCloseFrame, buildFrame, buildPing, buildPong, buildTextFrame, PreparedFrame } from '../../src/protocol/frame-writer.js';

test('server frames are unmasked with 7-, 16- and 64-bit lengths', () => {
  assert.deepEqual([...buildFrame(2, Buffer.from([1, 2, 3]))], [0x82, 3, 1, 2, 3]);
  const f125 = buildFrame(2, Buffer.alloc(125));
  assert.deepEqual([...f125.subarray(0, 2)], [0x82, 125]);
  const f126 = buildFrame(2, Buffer.alloc(126));
  assert.deepEqual([...f126.subarray(0, 4)], [0x82, 126, 0, 126]);
  const f65535 = buildFrame(2, Buffer.alloc(65535));
  assert.deepEqual([...f65535.subarray(0, 4)], [0x82, 126, 0xff, 0xff]);
  const f65536 = buildFrame(2, Buffer.alloc(65536));
  assert.deepEqual([...f65536.subarray(0, 10)], [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  assert.equal(f65536.length, 65546);
});

test('text, ping, pong and close frames', () => {
  assert.equal(buildTextFrame('héllo').toString('hex'), '8106' + Buffer.from('héllo').toString('hex'));
  assert.equal(buildPing().toString('hex'), '8900');
  assert.equal(buildPong(Buffer.from('ab')).toString('hex'), '8a026162');
  assert.equal(buildCloseFrame(1000, 'ok').toString('hex'), '880403e86f6b');
  assert.equal(buildCloseFrame(1005).toString('hex'), '8800');
});

test('a prepared message is framed once and compressed once per window size', () => {
  const payload = 'x'.repeat(5000);
  const p = new PreparedFrame(payload, false);
  assert.equal(p.plain.toString('hex', 0, 4), '817e1388');
  const c15 = p.compressed(15);
  assert.equal(p.compressed(15), c15, 'the same Buffer is reused');
  assert.equal(c15[0], 0xc1, 'FIN + RSV1 + text');
  const body = c15.subarray(c15[1] === 126 ? 4 : 2);
  assert.equal(inflateRawSync(Buffer.concat([body, Buffer.from([0, 0, 0xff, 0xff])]), { finishFlush: constants.Z_SYNC_FLUSH }).toString(), payload);
  assert.notEqual(p.compressed(10), c15);
  const small = new PreparedFrame('tiny', false);
  assert.equal(small.compressed(15), small.plain, 'below the threshold messages go out uncompressed');
});
