// Preloaded (`node --import`) into every server process the bench starts, pushgate
// included, so that all targets are measured the same way and none outlives the bench:
// - exits when the bench's IPC channel disconnects (the bench died or was killed);
// - answers {type:'memory'} with process.memoryUsage() after a full GC (when
//   --expose-gc is on), so heap per connection is comparable across targets.
if (typeof process.send === 'function') {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message) => {
    if (message === null || typeof message !== 'object' || message.type !== 'memory') return;
    const gc = /** @type {any} */ (globalThis).gc;
    if (typeof gc === 'function') {
      gc();
      gc();
    }
    process.send?.({ type: 'memory', id: message.id, ...process.memoryUsage() });
  });
  // The channel must not keep a server alive that would otherwise exit on its own.
  process.channel?.unref();
}
