// The engines a parameterised integration suite runs on. A suite does
//   for (const engine of ENGINE_NAMES) describe(`… on ${engine}`, { skip: engineUnavailableReason(engine) ?? false }, …)
// so it runs on every engine createGateway accepts and says why it skipped the others.
import { engineUnavailableReason as refusal } from '../../src/index.js';

export const ENGINE_NAMES = ['node', 'uws'] as const;
export type EngineUnderTest = (typeof ENGINE_NAMES)[number];

/** Why createGateway refuses `name` (the suite is skipped with this reason), or null when it runs it. */
export function engineUnavailableReason(name: EngineUnderTest): string | null {
  return refusal(name);
}

/**
 * What a client sees when the server fails its connection, where the engines
 * differ by design (docs/engines.md, "Where uws differs"): uWS drops TCP without
 * a close frame (the client reports 1006) for a message larger than every route
 * allows (uWS's own maxPayloadLength) and for frame-level protocol violations;
 * the node engine sends the table's close code. This is the only engine branch
 * the suites take.
 */
export function expectedCloseCode(engine: EngineUnderTest, nodeCode: number): number {
  return engine === 'uws' ? 1006 : nodeCode;
}
