// Memory arithmetic of the idle scenario, kept pure so it can be tested without a server.
//
// "RSS per connection" is the growth of the server's VmRSS divided by the connections.
// On a Node server part of that growth is V8's young generation: the nursery (new_space,
// bounded by --max-semi-space-size) grows while a handshake storm allocates, and gc()
// does not shrink it again. Its size depends on the allocation rate during the storm,
// not on how many connections stay open, so it inflates "per connection" without being
// a per-connection cost. The second figure subtracts it on both sides of the sample.

/** V8 heap spaces that make up the young generation (the nursery and its large-object space). */
export const YOUNG_GENERATION_SPACES = ['new_space', 'new_large_object_space'];

/**
 * Physical bytes of the young generation, from { [space_name]: physical_space_size }.
 * @param {Record<string, number> | null | undefined} spaces
 * @returns {number | null} null when the server did not report its heap spaces
 */
export function youngGenerationBytes(spaces) {
  if (!spaces || typeof spaces !== 'object') return null;
  let total = 0;
  let seen = false;
  for (const name of YOUNG_GENERATION_SPACES) {
    const size = spaces[name];
    if (typeof size === 'number' && Number.isFinite(size)) {
      total += size;
      seen = true;
    }
  }
  return seen ? total : null;
}

/**
 * @typedef {{ rss: number | null, heapUsed: number | null, youngGeneration: number | null, heapSpaces?: Record<string, number> | null }} MemorySample
 */

/**
 * Bytes per connection of the growth from `before` to `after`, rounded; null when a
 * side is unknown or nothing was opened.
 * @param {number | null} before @param {number | null} after @param {number} connections
 */
export function perConnection(before, after, connections) {
  if (before === null || after === null || !(connections > 0)) return null;
  return Math.round((after - before) / connections);
}

/**
 * The memory block of an idle result.
 * @param {MemorySample} before sampled before any connection
 * @param {MemorySample} after sampled once `connections` are open and settled
 * @param {number} connections connections open at the second sample
 */
export function idleMemory(before, after, connections) {
  const rssExclYoung = (/** @type {MemorySample} */ m) => (m.rss === null || m.youngGeneration === null ? null : m.rss - m.youngGeneration);
  return {
    rssBefore: before.rss,
    rssAfter: after.rss,
    rssPerConnection: perConnection(before.rss, after.rss, connections),
    heapBefore: before.heapUsed,
    heapAfter: after.heapUsed,
    heapPerConnection: perConnection(before.heapUsed, after.heapUsed, connections),
    youngGenerationBefore: before.youngGeneration,
    youngGenerationAfter: after.youngGeneration,
    rssExclYoungGenPerConnection: perConnection(rssExclYoung(before), rssExclYoung(after), connections),
    heapSpacesBefore: before.heapSpaces ?? null,
    heapSpacesAfter: after.heapSpaces ?? null,
  };
}
