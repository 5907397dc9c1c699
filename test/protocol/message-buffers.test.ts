import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble, heldBuffers, holdForWrite, POOLED_MAX, POOLED_MIN, releaseAssembled } from '../../src/protocol/message-buffers.js';

/** `length` bytes of a pattern that differs per seed, split into pieces at odd offsets. */
function pieces(length: number, seed: number): { whole: Buffer; first: Buffer; more: Buffer[] } {
  const whole = Buffer.alloc(length);
  for (let i = 0; i < length; i++) whole[i] = (i * 7 + seed * 13) & 0xff;
  const cuts = [0, Math.min(3, length), Math.floor(length / 3) + 1, length - 5, length].filter((c, i, a) => c >= 0 && (i === 0 || c > a[i - 1]));
  const parts = cuts.slice(1).map((end, i) => whole.subarray(cuts[i], end));
  return { whole: Buffer.from(whole), first: parts[0], more: parts.slice(1) };
}

test('pieces are joined exactly below, inside and above the pooled range', () => {
  for (const length of [10, POOLED_MIN - 1, POOLED_MIN, 16_384, 65_536 + 3, POOLED_MAX, POOLED_MAX + 1]) {
    const { whole, first, more } = pieces(length, length);
    const out = assemble(first, more, length);
    assert.equal(out.length, length);
    assert.ok(out.equals(whole), `length ${length}`);
    releaseAssembled(out);
  }
  assert.equal(heldBuffers(), 0);
});

test('a message held for a write keeps its bytes while later messages are assembled', () => {
  const a = pieces(16_384, 1);
  const first = assemble(a.first, a.more, 16_384);
  const done = holdForWrite(first);
  assert.equal(typeof done, 'function', 'a pooled message can be held');
  releaseAssembled(first); // delivery over; the write still holds it

  // Messages of the same size, assembled while the write is pending, must go elsewhere.
  for (let seed = 2; seed < 20; seed++) {
    const b = pieces(16_384, seed);
    const out = assemble(b.first, b.more, 16_384);
    assert.ok(out.equals(b.whole));
    releaseAssembled(out);
  }
  assert.ok(first.equals(a.whole), 'the held message is unchanged');
  assert.equal(heldBuffers(), 1);
  done!();
  assert.equal(heldBuffers(), 0);
});

test('with every pooled buffer held, messages still assemble correctly in buffers of their own', () => {
  const held: Array<{ bytes: Buffer; whole: Buffer; done: () => void }> = [];
  for (let seed = 0; seed < 12; seed++) {
    const p = pieces(20_000, seed);
    const bytes = assemble(p.first, p.more, 20_000);
    const done = holdForWrite(bytes);
    releaseAssembled(bytes);
    if (done !== undefined) held.push({ bytes, whole: p.whole, done });
    else assert.ok(bytes.equals(p.whole), 'an unpooled message is intact');
  }
  assert.ok(held.length >= 1 && held.length < 12, `${held.length} of 12 were pooled`);
  for (const h of held) assert.ok(h.bytes.equals(h.whole), 'every held message is unchanged');
  for (const h of held) h.done();
  assert.equal(heldBuffers(), 0);
});

test('buffers that are not pooled cannot be held', () => {
  assert.equal(holdForWrite(Buffer.alloc(16_384)), undefined);
  const small = pieces(100, 3);
  const out = assemble(small.first, small.more, 100);
  assert.equal(holdForWrite(out), undefined);
  releaseAssembled(out);
  assert.equal(heldBuffers(), 0);
});
