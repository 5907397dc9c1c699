// Preloaded (`node --import`) into every server process the bench starts, pushgate
// included, so that all targets are measured the same way and none outlives the bench:
// - exits when the bench's IPC channel disconnects (the bench died or was killed);
// - answers {type:'memory'} with process.memoryUsage() after a full GC (when
//   --expose-gc is on), so heap per connection is comparable across targets, plus the
//   physical size of every V8 heap space (`heapSpaces`), so the bench can tell the
//   young generation (which gc() does not shrink) apart from the rest of RSS.
import v8 from 'node:v8';

if (typeof process.send === 'function') {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (/** @type {any} */ message) => {
    if (message === null || typeof message !== 'object' || message.type !== 'memory') return;
    const gc = /** @type {any} */ (globalThis).gc;
    if (typeof gc === 'function') {
      gc();
      gc();
    }
    /** @type {Record<string, number>} */
    const heapSpaces = {};
    for (const space of v8.getHeapSpaceStatistics()) heapSpaces[space.space_name] = space.physical_space_size;
    process.send?.({ type: 'memory', id: message.id, ...process.memoryUsage(), heapSpaces });
  });
  // The channel must not keep a server alive that would otherwise exit on its own.
  process.channel?.unref();
}
