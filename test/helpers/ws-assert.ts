// Assertions shared by the engine tests: what a client sees when the server
// fails or closes a connection.
import assert from 'node:assert/strict';
import type { RawClient, ServerFrame } from './raw-client.js';

/** Reads up to the server's close frame, checks its code, and that TCP ends after it. */
export async function expectClose(client: RawClient, code: number, message?: string): Promise<ServerFrame[]> {
  const close = await client.readUntilClose();
  assert.equal(close.code, code, `close code (reason: ${close.reason})`);
  if (message !== undefined) assert.match(close.reason, new RegExp(message));
  await client.waitEnd();
  assert.equal(client.pending.length, 0, 'nothing is sent after the close frame');
  return close.frames;
}
