// Sending a received message back (echo, relay) without copying it into a new
// frame: the header goes out as its own small buffer and the payload as the
// received bytes, both in one writev. For large messages the copy was not the
// cost so much as the fresh ArrayBuffer each frame needed (16 KiB: ~1.8 µs to
// allocate against ~0.45 µs to copy, node 20), plus the GC work it caused.
//
// Only the message hooks.message is handling right now qualifies: its bytes
// belong to the engine (a view into a socket read, or a buffer the assembler
// built, which message-buffers.ts does not reuse while a write holds it) and
// the engine writes nothing to them once delivered. Bytes a caller passes to
// send() are still copied, so changing them after send() changes nothing sent;
// a hook that sends `data` back and then modifies it in place would change
// what is sent (hooks.message hands `data` out for reading only).
import type { Socket } from 'node:net';
import { buildHeader } from '../../protocol/frame-writer.js';
import { holdForWrite } from '../../protocol/message-buffers.js';

/**
 * Smallest payload written through. Below it one buffer holding header and
 * payload is cheaper than a second iovec: echo with 512 B payloads costs ~3%
 * more server CPU per message written through, 1 KiB ~22% less (node 20, 2
 * shared cores, 4 pairs each).
 */
export const WRITE_THROUGH_MIN = 1024;

/**
 * A queued payload keeps its whole backing buffer alive (for a socket read, up
 * to 64 KiB). Written through only when it is at least this fraction of that
 * buffer, so what a stalled peer can pin stays within this factor of
 * maxBufferedAmount. A 16 KiB message qualifies even from a full 64 KiB read.
 */
export const MAX_PIN_FACTOR = 4;

/** The message being delivered to hooks.message, or null. Delivery is synchronous, so one slot serves every connection. */
let delivering: Buffer | null = null;

/** Marks `data` as the message being delivered; returns what to hand to endDelivery. */
export function beginDelivery(data: Buffer): Buffer | null {
  const outer = delivering;
  delivering = data;
  return outer;
}

export function endDelivery(outer: Buffer | null): void {
  delivering = outer;
}

/** True when `data` is the message being delivered and large enough to be sent without a copy. */
export function canWriteThrough(data: string | Uint8Array): data is Buffer {
  return (
    data === delivering &&
    data.length >= WRITE_THROUGH_MIN &&
    data.length * MAX_PIN_FACTOR >= data.buffer.byteLength
  );
}

/**
 * One unfragmented, uncompressed frame as header + payload. The cork makes the
 * two writes one writev even outside a read (a read's writes are corked already).
 * A payload in a reused buffer is held until the socket has written it.
 */
export function writeThrough(socket: Socket, opcode: number, payload: Buffer): void {
  socket.cork();
  socket.write(buildHeader(opcode, payload.length));
  socket.write(payload, holdForWrite(payload));
  socket.uncork();
}
