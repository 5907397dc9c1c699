// Reused buffers for messages assembled from several pieces (a frame split over
// socket reads, or a fragmented message). Allocating a fresh 16–256 KiB buffer
// for each such message, and copying into memory no cache has seen, was a fifth
// of the server's CPU in 64 KiB echo; a buffer that comes back after each
// message stays warm and costs no allocation or GC (echo, node 20: -30 % CPU
// per message at 64 KiB, -14 % at 16 KiB).
//
// Safety rests on reference counts. The assembler holds a buffer while the
// message is delivered (hooks may only use `data` during the call) and a writer
// that queues the bytes instead of copying them holds it until the socket's
// write callback; only at zero references is the buffer handed out again. A
// reference never released just keeps its buffer out of the pool for good:
// memory is freed by the GC as usual, nothing is ever reused early.

/** Messages smaller than this are concatenated the ordinary way (node's 8 KiB pool already serves them). */
export const POOLED_MIN = 4 * 1024;
/** Larger messages are concatenated into a buffer of their own, so the pool never holds more than SLABS × this. */
export const POOLED_MAX = 256 * 1024;
/** Buffers the pool keeps. Each is held from a message's assembly to its write; a few cover every read of a loop turn. */
const SLABS = 8;
/**
 * A message gets a buffer at most this many times its size, so a queued view
 * pins no more than that (see MAX_PIN_FACTOR in the node engine's write-through).
 */
const MAX_WASTE = 4;

class Slab {
  refs = 0;
  /** Handed to socket.write as its callback: one function per buffer, none per message. */
  readonly release = (): void => {
    this.refs--;
  };

  constructor(readonly bytes: Buffer) {}
}

const slabs: Slab[] = [];

function capacityFor(length: number): number {
  let capacity = POOLED_MIN;
  while (capacity < length) capacity *= 2;
  return capacity;
}

/** An idle buffer that fits `length` without wasting more than MAX_WASTE; replaces an idle misfit when the pool is full. */
function idleSlab(length: number): Slab | null {
  let best: Slab | null = null;
  let misfit = -1;
  for (let i = 0; i < slabs.length; i++) {
    const slab = slabs[i];
    if (slab.refs !== 0) continue;
    const capacity = slab.bytes.length;
    if (capacity >= length && capacity <= length * MAX_WASTE) {
      if (best === null || capacity < best.bytes.length) best = slab;
    } else {
      misfit = i;
    }
  }
  if (best !== null) return best;
  // Every buffer is held (slow sockets): this message gets one of its own.
  if (slabs.length === SLABS && misfit < 0) return null;
  const fresh = new Slab(Buffer.allocUnsafeSlow(capacityFor(length)));
  if (slabs.length < SLABS) slabs.push(fresh);
  else slabs[misfit] = fresh;
  return fresh;
}

/**
 * The pieces of one message, in order, copied into one buffer of `length`
 * bytes. When the result is pooled it is held once: the caller calls
 * releaseAssembled when the message has been delivered.
 */
export function assemble(first: Buffer, more: Buffer[], length: number): Buffer {
  const slab = length >= POOLED_MIN && length <= POOLED_MAX ? idleSlab(length) : null;
  if (slab === null) return Buffer.concat([first, ...more], length);
  slab.refs = 1;
  const out = slab.bytes.subarray(0, length);
  out.set(first, 0);
  let offset = first.length;
  for (let i = 0; i < more.length; i++) {
    out.set(more[i], offset);
    offset += more[i].length;
  }
  return out;
}

function slabOf(bytes: Uint8Array): Slab | null {
  const backing = bytes.buffer;
  for (let i = 0; i < slabs.length; i++) if (slabs[i].bytes.buffer === backing) return slabs[i];
  return null;
}

/** Drops the assembler's hold on a buffer returned by assemble (a no-op for one that is not pooled). */
export function releaseAssembled(bytes: Buffer): void {
  const slab = slabOf(bytes);
  if (slab !== null) slab.refs--;
}

/**
 * Takes a hold on `bytes` for a write that queues them without a copy; returns
 * the callback that drops it (to pass to socket.write), or undefined when the
 * bytes are not pooled.
 */
export function holdForWrite(bytes: Uint8Array): (() => void) | undefined {
  const slab = slabOf(bytes);
  if (slab === null || slab.refs === 0) return undefined;
  slab.refs++;
  return slab.release;
}

/** Pooled buffers currently held (tests: every hold is eventually dropped). */
export function heldBuffers(): number {
  let held = 0;
  for (const slab of slabs) if (slab.refs !== 0) held++;
  return held;
}
