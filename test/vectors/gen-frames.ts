// Frame-scan vectors. Frames are built from their fields, so each expected
// record is what the builder put in (payload offset, length, end), and each
// error case names its expected ScanError code by hand.
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// ScanError codes (src/native/types.ts), repeated as literals so a renumbering there fails the suite.
const E = { None: 0, ReservedOpcode: 1, RsvNotAllowed: 2, ControlTooLong: 3, ControlFragmented: 4, Unmasked: 5, LengthTopBit: 6, PayloadTooLarge: 7 };

export interface FrameSpec {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  payload: Uint8Array;
  key?: Uint8Array;
  /** Length encoding: 7-bit, 16-bit (126) or 64-bit (127); by default the minimal one. */
  form?: 7 | 16 | 64;
}

interface Record8 { fin: number; rsv: number; opcode: number; masked: number; payloadOffset: number; payloadLength: number; error: number; end: number }

export interface Built { wire: Uint8Array; plain: Uint8Array; payloadOffset: number; spec: FrameSpec }

function payloadBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7 + (i >>> 8)) & 0xff;
  return out;
}

/** Wire bytes of one masked client frame, and the same bytes with the payload in clear. */
export function build(spec: FrameSpec): Built {
  const n = spec.payload.length;
  const form = spec.form ?? (n < 126 ? 7 : n < 65536 ? 16 : 64);
  const key = spec.key ?? Uint8Array.from([0x11, 0x22, 0x33, 0x44]);
  const head: number[] = [((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode];
  if (form === 7) head.push(0x80 | n);
  else if (form === 16) head.push(0x80 | 126, n >>> 8, n & 0xff);
  else head.push(0x80 | 127, 0, 0, 0, 0, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  const header = Uint8Array.from([...head, ...key]);
  const masked = spec.payload.map((b, i) => b ^ key[i & 3]);
  const wire = Buffer.concat([header, masked]);
  const plain = Buffer.concat([header, spec.payload]);
  return { wire, plain, payloadOffset: header.length, spec };
}

interface Case {
  name: string;
  hex: string;
  offset: number;
  maxFrames: number;
  options?: { rsv?: number; maxPayload?: number };
  count: number;
  records: Record8[];
  after: string;
}

/**
 * A case from a prefix of raw bytes, whole frames, and an optional raw tail.
 * `complete` frames (the first `complete` of `frames`) get records and are
 * unmasked; the rest stay masked. `error` appends the error record.
 */
function scenario(
  name: string,
  parts: { prefix?: Uint8Array; frames: FrameSpec[]; tail?: Uint8Array },
  expect: { complete?: number; maxFrames?: number; options?: Case['options']; error?: Omit<Record8, 'payloadOffset' | 'payloadLength' | 'end'> },
): Case {
  const prefix = parts.prefix ?? new Uint8Array(0);
  const built = parts.frames.map(build);
  const complete = expect.complete ?? built.length;
  const wire: Uint8Array[] = [prefix];
  const after: Uint8Array[] = [prefix];
  const records: Record8[] = [];
  let pos = prefix.length;
  built.forEach((b, i) => {
    wire.push(b.wire);
    after.push(i < complete ? b.plain : b.wire);
    if (i < complete) {
      const length = b.spec.payload.length;
      records.push({
        fin: (b.spec.fin ?? true) ? 1 : 0, rsv: b.spec.rsv ?? 0, opcode: b.spec.opcode, masked: 1,
        payloadOffset: pos + b.payloadOffset, payloadLength: length, error: E.None, end: pos + b.payloadOffset + length,
      });
    }
    pos += b.wire.length;
  });
  if (parts.tail) {
    wire.push(parts.tail);
    after.push(parts.tail);
  }
  if (expect.error) records.push({ ...expect.error, payloadOffset: 0, payloadLength: 0, end: 0 });
  const c: Case = {
    name, hex: hex(Buffer.concat(wire)), offset: prefix.length, maxFrames: expect.maxFrames ?? 16,
    count: records.length, records, after: hex(Buffer.concat(after)),
  };
  if (expect.options) c.options = expect.options;
  return c;
}

const text = (s: string): Uint8Array => Buffer.from(s);
const raw = (h: string): Uint8Array => Buffer.from(h.replace(/ /g, ''), 'hex');
const bytesN = payloadBytes;

/** Error record fields other than the payload offset/length/end (always 0). */
const err = (fin: number, rsv: number, opcode: number, masked: number, error: number) => ({ fin, rsv, opcode, masked, error });

export function frameCases(): Case[] {
  const cases: Case[] = [];
  // RFC 6455 §5.7: a single-frame masked text message "Hello".
  cases.push({
    name: 'rfc6455 masked Hello', hex: '818537fa213d7f9f4d5158', offset: 0, maxFrames: 4, count: 1,
    records: [{ fin: 1, rsv: 0, opcode: 1, masked: 1, payloadOffset: 6, payloadLength: 5, error: 0, end: 11 }],
    after: '818537fa213d' + hex(text('Hello')),
  });
  cases.push(scenario('empty ping', { frames: [{ opcode: 9, payload: new Uint8Array(0) }] }, {}));
  cases.push(scenario('7-bit length 1', { frames: [{ opcode: 2, payload: bytesN(1, 1) }] }, {}));
  cases.push(scenario('7-bit length 125', { frames: [{ opcode: 2, payload: bytesN(125, 2) }] }, {}));
  cases.push(scenario('control frame with 125 bytes', { frames: [{ opcode: 9, payload: bytesN(125, 3) }] }, {}));
  cases.push(scenario('16-bit length 126', { frames: [{ opcode: 2, payload: bytesN(126, 4) }] }, {}));
  cases.push(scenario('16-bit length 1000', { frames: [{ opcode: 1, payload: bytesN(1000, 5).map((b) => 0x20 + (b & 0x3f)) }] }, {}));
  cases.push(scenario('16-bit length 4096', { frames: [{ opcode: 2, payload: bytesN(4096, 6) }] }, {}));
  cases.push(scenario('64-bit length 65536', { frames: [{ opcode: 2, payload: bytesN(65536, 7) }] }, {}));
  cases.push(scenario('non-minimal 16-bit length 5', { frames: [{ opcode: 1, payload: text('short'), form: 16 }] }, {}));
  cases.push(scenario('non-minimal 64-bit length 0', { frames: [{ opcode: 2, payload: new Uint8Array(0), form: 64 }] }, {}));
  cases.push(scenario('non-minimal 64-bit length 37', { frames: [{ opcode: 2, payload: bytesN(37, 8), form: 64 }] }, {}));
  cases.push(scenario('zero key', { frames: [{ opcode: 1, payload: text('same bytes'), key: raw('00000000') }] }, {}));
  cases.push(scenario('fragmented message with a ping in between', {
    frames: [
      { opcode: 1, fin: false, payload: text('Hel') },
      { opcode: 9, payload: text('ping!') },
      { opcode: 0, fin: false, payload: text('lo, ') },
      { opcode: 0, payload: text('world') },
      { opcode: 8, payload: raw('03e8') },
    ],
  }, {}));
  cases.push(scenario('many small frames back to back', {
    frames: Array.from({ length: 12 }, (_, i) => ({ opcode: i % 3 === 0 ? 2 : 1, payload: bytesN(i * 3, i), key: Uint8Array.from([i, 255 - i, 7 * i, 0x5a]) })),
  }, {}));
  cases.push(scenario('frames after a nonzero offset', { prefix: raw('deadbeef0102'), frames: [{ opcode: 1, payload: text('after junk') }, { opcode: 10, payload: text('pong') }] }, {}));
  cases.push(scenario('maxFrames caps the records', { frames: [1, 2, 3].map((i) => ({ opcode: 2, payload: bytesN(i * 10, i) })) }, { complete: 2, maxFrames: 2 }));
  cases.push(scenario('maxFrames 0', { frames: [{ opcode: 1, payload: text('x') }] }, { complete: 0, maxFrames: 0 }));
  cases.push(scenario('offset at the end of the buffer', { prefix: raw('8180'), frames: [] }, {}));

  // Allowed RSV bits (a negotiated extension, e.g. permessage-deflate's RSV1 = 4).
  cases.push(scenario('RSV1 on text allowed', { frames: [{ opcode: 1, rsv: 4, payload: text('compressed?') }] }, { options: { rsv: 4 } }));
  cases.push(scenario('RSV1 on binary allowed', { frames: [{ opcode: 2, rsv: 4, payload: bytesN(200, 9) }] }, { options: { rsv: 4 } }));
  cases.push(scenario('all RSV bits allowed', { frames: [{ opcode: 1, rsv: 7, payload: text('x') }, { opcode: 2, rsv: 2, payload: text('y') }] }, { options: { rsv: 7 } }));
  cases.push(scenario('continuation without RSV under an extension', { frames: [{ opcode: 1, rsv: 4, fin: false, payload: text('a') }, { opcode: 0, payload: text('b') }] }, { options: { rsv: 4 } }));

  // Incomplete frames: no record, nothing unmasked.
  const hello = build({ opcode: 1, payload: text('Hello, incomplete world') });
  for (const cut of [1, 2, 5, hello.payloadOffset, hello.wire.length - 1]) {
    cases.push({
      name: `incomplete frame cut at ${cut}`, hex: hex(hello.wire.subarray(0, cut)), offset: 0, maxFrames: 4,
      count: 0, records: [], after: hex(hello.wire.subarray(0, cut)),
    });
  }
  cases.push(scenario('incomplete 16-bit length', { frames: [{ opcode: 1, payload: text('ok') }], tail: raw('82fe01') }, {}));
  cases.push(scenario('incomplete 64-bit length', { frames: [{ opcode: 1, payload: text('ok') }], tail: raw('82ff00000000000001') }, {}));
  cases.push(scenario('incomplete masking key', { frames: [{ opcode: 1, payload: text('ok') }], tail: raw('8285112233') }, {}));
  cases.push(scenario('incomplete payload after complete frames', { frames: [{ opcode: 1, payload: text('one') }, { opcode: 1, payload: text('two') }], tail: raw('8285 11223344 aabbcc') }, {}));

  // Each error, alone and after valid frames.
  const ok = { opcode: 1, payload: text('fine') };
  cases.push(scenario('reserved opcode 3', { frames: [ok], tail: raw('8380 11223344') }, { error: err(1, 0, 3, 0, E.ReservedOpcode) }));
  cases.push(scenario('reserved opcode 7', { frames: [], tail: raw('0780') }, { error: err(0, 0, 7, 0, E.ReservedOpcode) }));
  cases.push(scenario('reserved opcode 11', { frames: [], tail: raw('8b80 11223344') }, { error: err(1, 0, 11, 0, E.ReservedOpcode) }));
  cases.push(scenario('reserved opcode 15, first byte only', { frames: [ok], tail: raw('8f') }, { error: err(1, 0, 15, 0, E.ReservedOpcode) }));
  cases.push(scenario('RSV1 without extension', { frames: [ok], tail: raw('c185 11223344 0000000000') }, { error: err(1, 4, 1, 0, E.RsvNotAllowed) }));
  cases.push(scenario('RSV2 without extension, first byte only', { frames: [], tail: raw('a2') }, { error: err(1, 2, 2, 0, E.RsvNotAllowed) }));
  cases.push(scenario('RSV3 when only RSV1 is allowed', { frames: [], tail: raw('9180 11223344') }, { options: { rsv: 4 }, error: err(1, 1, 1, 0, E.RsvNotAllowed) }));
  cases.push(scenario('RSV1 on continuation even when allowed', { frames: [{ opcode: 1, rsv: 4, fin: false, payload: text('a') }], tail: raw('c081 11223344 00') }, { options: { rsv: 4 }, error: err(1, 4, 0, 0, E.RsvNotAllowed) }));
  cases.push(scenario('RSV1 on ping even when allowed', { frames: [], tail: raw('c980 11223344') }, { options: { rsv: 4 }, error: err(1, 4, 9, 0, E.RsvNotAllowed) }));
  cases.push(scenario('fragmented ping', { frames: [ok], tail: raw('0980 11223344') }, { error: err(0, 0, 9, 0, E.ControlFragmented) }));
  cases.push(scenario('fragmented close, first byte only', { frames: [], tail: raw('08') }, { error: err(0, 0, 8, 0, E.ControlFragmented) }));
  cases.push(scenario('unmasked text', { frames: [ok], tail: raw('8105') }, { error: err(1, 0, 1, 0, E.Unmasked) }));
  cases.push(scenario('unmasked text with payload', { frames: [], tail: raw('8105 48656c6c6f') }, { error: err(1, 0, 1, 0, E.Unmasked) }));
  cases.push(scenario('ping with 16-bit length', { frames: [ok], tail: raw('89fe') }, { error: err(1, 0, 9, 1, E.ControlTooLong) }));
  cases.push(scenario('close with 64-bit length', { frames: [], tail: raw('88ff 0000000000000005') }, { error: err(1, 0, 8, 1, E.ControlTooLong) }));
  cases.push(scenario('64-bit length with the top bit set', { frames: [ok], tail: raw('82ff 8000000000000000') }, { error: err(1, 0, 2, 1, E.LengthTopBit) }));
  cases.push(scenario('64-bit length all ones', { frames: [], tail: raw('82ff ffffffffffffffff') }, { error: err(1, 0, 2, 1, E.LengthTopBit) }));
  cases.push(scenario('64-bit length 2^32', { frames: [], tail: raw('82ff 0000000100000000') }, { error: err(1, 0, 2, 1, E.PayloadTooLarge) }));
  cases.push(scenario('64-bit length 2^31 (no Int32 holds it)', { frames: [], tail: raw('82ff 0000000080000000') }, { error: err(1, 0, 2, 1, E.PayloadTooLarge) }));
  cases.push(scenario('7-bit length above maxPayload', { frames: [ok], tail: raw('828b') }, { options: { maxPayload: 10 }, error: err(1, 0, 2, 1, E.PayloadTooLarge) }));
  cases.push(scenario('length equal to maxPayload is fine', { frames: [{ opcode: 2, payload: bytesN(10, 1) }] }, { options: { maxPayload: 10 } }));
  cases.push(scenario('16-bit length above maxPayload', { frames: [], tail: raw('82fe 012c') }, { options: { maxPayload: 200 }, error: err(1, 0, 2, 1, E.PayloadTooLarge) }));
  cases.push(scenario('64-bit length above maxPayload', { frames: [], tail: raw('82ff 0000000000010001') }, { options: { maxPayload: 65536 }, error: err(1, 0, 2, 1, E.PayloadTooLarge) }));
  cases.push(scenario('maxPayload 0 rejects any payload', { frames: [{ opcode: 9, payload: new Uint8Array(0) }], tail: raw('8181') }, { options: { maxPayload: 0 }, error: err(1, 0, 1, 1, E.PayloadTooLarge) }));

  // Several errors at once: the contract's order decides.
  cases.push(scenario('order: reserved opcode before RSV and unmasked', { frames: [], tail: raw('f305') }, { error: err(1, 7, 3, 0, E.ReservedOpcode) }));
  cases.push(scenario('order: RSV before fragmented control', { frames: [], tail: raw('49fe') }, { error: err(0, 4, 9, 0, E.RsvNotAllowed) }));
  cases.push(scenario('order: fragmented control before unmasked', { frames: [], tail: raw('097e') }, { error: err(0, 0, 9, 0, E.ControlFragmented) }));
  cases.push(scenario('order: unmasked before control too long', { frames: [], tail: raw('897e') }, { error: err(1, 0, 9, 0, E.Unmasked) }));
  cases.push(scenario('order: top bit before too large', { frames: [], tail: raw('82ff 8000000000000001') }, { options: { maxPayload: 5 }, error: err(1, 0, 2, 1, E.LengthTopBit) }));
  cases.push(scenario('an error stops the scan before later frames', { frames: [ok], tail: Buffer.concat([raw('8380'), build(ok).wire]) }, { error: err(1, 0, 3, 0, E.ReservedOpcode) }));
  return cases;
}
