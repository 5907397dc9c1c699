// Masking vectors: several keys, every phase, lengths around the 4-byte word
// boundaries and the fallback's word threshold, plus the RFC 6455 §5.7 example.
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Deterministic bytes that are not a repeating 4-byte pattern. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export function maskCases(): unknown[] {
  const cases: unknown[] = [];
  // The RFC 6455 §5.7 example: "Hello" masked with 37 fa 21 3d.
  cases.push({
    name: 'rfc6455 hello', op: 'unmask', key: '37fa213d', phase: 0,
    input: '7f9f4d5158', output: hex(Buffer.from('Hello')), nextPhase: 1,
  });
  const keys = ['00000000', 'ffffffff', '01020304', 'a55a0ff0', '37fa213d'];
  const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, 257, 1000, 1027];
  let seed = 1;
  for (const keyHex of keys) {
    const key = Buffer.from(keyHex, 'hex');
    for (const n of lengths) {
      const phase = (seed++ & 3);
      const input = bytes(n, seed);
      const output = input.map((b, i) => b ^ key[(phase + i) & 3]);
      cases.push({ name: `unmask ${keyHex} n=${n} phase=${phase}`, op: 'unmask', key: keyHex, phase, input: hex(input), output: hex(output), nextPhase: (phase + n) & 3 });
    }
  }
  for (const phase of [0, 1, 2, 3]) {
    const input = bytes(70, 99 + phase);
    const key = Buffer.from('deadbeef', 'hex');
    cases.push({
      name: `unmask every phase ${phase}`, op: 'unmask', key: 'deadbeef', phase,
      input: hex(input), output: hex(input.map((b, i) => b ^ key[(phase + i) & 3])), nextPhase: (phase + 70) & 3,
    });
  }
  for (const [n, dstOffset, dstSize] of [[0, 0, 0], [1, 0, 1], [5, 3, 8], [33, 1, 40], [64, 2, 66], [100, 7, 120], [257, 0, 257]] as const) {
    const key = Buffer.from('9a3c5e71', 'hex');
    const src = bytes(n, 1000 + n);
    const dst = new Uint8Array(dstSize);
    for (let i = 0; i < n; i++) dst[dstOffset + i] = src[i] ^ key[i & 3];
    cases.push({ name: `mask n=${n} dstOffset=${dstOffset}`, op: 'mask', key: '9a3c5e71', src: hex(src), dstSize, dstOffset, length: n, dst: hex(dst) });
  }
  // length shorter than src: only the first `length` bytes are masked.
  {
    const key = Buffer.from('01020304', 'hex');
    const src = bytes(50, 7);
    const dst = new Uint8Array(60);
    for (let i = 0; i < 40; i++) dst[10 + i] = src[i] ^ key[i & 3];
    cases.push({ name: 'mask length < src.length', op: 'mask', key: '01020304', src: hex(src), dstSize: 60, dstOffset: 10, length: 40, dst: hex(dst) });
  }
  return cases;
}
