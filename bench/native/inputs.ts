// Inputs for the native benchmark: random payloads, UTF-8 texts of a given size
// (cut at a code-point boundary so every validator sees valid text), and a
// buffer of back-to-back masked client frames.
export const KEY = Uint8Array.from([0x37, 0xfa, 0x21, 0x3d]);

export function randomPayload(size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf;
}

function textOf(pattern: string, size: number): Buffer {
  const whole = Buffer.from(pattern.repeat(Math.ceil(size / Buffer.byteLength(pattern)) + 1));
  let end = size;
  while (end > 0 && (whole[end] & 0xc0) === 0x80) end--; // do not split a code point
  return Buffer.from(whole.subarray(0, end));
}

/** ASCII, Greek, CJK and emoji mixed: 1-, 2-, 3- and 4-byte sequences. */
export function mixedText(size: number): Buffer {
  return textOf('push gateway αβγδε 中文字符 😀🤣 ', size);
}

export function asciiText(size: number): Buffer {
  return textOf('The quick brown fox jumps over the lazy dog 0123456789. ', size);
}

/**
 * `count` masked binary frames of `frameSize` bytes each (2-byte header, 4-byte
 * key, payload of frameSize − 6).
 */
export function maskedFrames(count: number, frameSize: number): Buffer {
  const payload = frameSize - 6;
  if (payload < 0 || payload > 125) throw new RangeError('maskedFrames: frameSize must be 6–131');
  const buf = Buffer.alloc(count * frameSize);
  const data = randomPayload(payload);
  for (let f = 0; f < count; f++) {
    const at = f * frameSize;
    buf[at] = 0x82;
    buf[at + 1] = 0x80 | payload;
    buf.set(KEY, at + 2);
    for (let i = 0; i < payload; i++) buf[at + 6 + i] = data[i] ^ KEY[i & 3];
  }
  return buf;
}

/**
 * One masked binary frame filling exactly `size` bytes (size ≥ 6), for the
 * crossover sweep. Above 131 bytes it uses the 16-bit length (non-minimal for
 * 132–133, which scanFrames accepts).
 */
export function oneFrame(size: number): Buffer {
  const payload = size <= 131 ? size - 6 : size - 8;
  const buf = Buffer.alloc(size);
  buf[0] = 0x82;
  if (size <= 131) {
    buf[1] = 0x80 | payload;
    buf.set(KEY, 2);
  } else {
    buf[1] = 0x80 | 126;
    buf.writeUInt16BE(payload, 2);
    buf.set(KEY, 4);
  }
  return buf;
}

/**
 * Source and destination for the Buffer.copy reference, carved from one
 * allocation with the destination 2 KiB past a page boundary relative to the
 * source. Separately allocated buffers made the 64 KiB copy bimodal here
 * (~43 or ~2.5 GB/s from run to run): `rep movsb` memcpy on some AMD cores is
 * very slow when destination − source is a small multiple-of-4 KiB distance
 * away, and where malloc puts two buffers decides that. A fixed layout measures
 * the bandwidth, not the allocator's luck.
 */
export function copyPair(size: number): { src: Buffer; dst: Buffer } {
  const gap = Math.ceil(size / 4096) * 4096 + 2048;
  const backing = Buffer.alloc(gap + size);
  const src = backing.subarray(0, size);
  src.set(randomPayload(size));
  return { src, dst: backing.subarray(gap, gap + size) };
}
