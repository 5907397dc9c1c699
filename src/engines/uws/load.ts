// Loads uWebSockets.js and proves that its native binary is what got loaded.
// The package silently swaps in a JavaScript emulation (its dist/index.js) when
// the binary does not load for this platform/Node ABI, or when UWS_USE_FALLBACK
// is set. Running, or worse benchmarking, "the uws engine" on that emulation
// would be meaningless, so the engine refuses to start instead.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as UWS from 'uWebSockets.js';

export type UwsModule = typeof UWS;

const require = createRequire(import.meta.url);

/** Where the package keeps the binary for this process (platform, arch, Node module ABI). */
export function expectedBinaryPath(): string {
  const root = dirname(require.resolve('uWebSockets.js/package.json'));
  return join(root, 'binaries', `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
}

export class UwsUnavailableError extends Error {
  constructor(detail: string) {
    super(`uWebSockets.js native binary not loaded (${detail}); refusing to run the uws engine on its JavaScript emulation`);
    this.name = 'UwsUnavailableError';
  }
}

let loaded: UwsModule | null = null;

/**
 * The native uWebSockets.js module. Throws UwsUnavailableError when the package
 * is missing or handed out its emulation: the module we got must be the very
 * exports of the binary in require.cache.
 *
 * uWS reads its header-block limit from UWS_HTTP_MAX_HEADERS_SIZE once, when the
 * binary loads (default 4 KiB); `maxHeaderSize` sets it unless the environment
 * already does. Only the first load in a process decides.
 */
export function loadUws(maxHeaderSize?: number): UwsModule {
  if (loaded) return loaded;
  if (maxHeaderSize !== undefined && process.env.UWS_HTTP_MAX_HEADERS_SIZE === undefined) {
    process.env.UWS_HTTP_MAX_HEADERS_SIZE = String(maxHeaderSize);
  }
  let uws: UwsModule;
  try {
    uws = require('uWebSockets.js') as UwsModule;
  } catch (error) {
    throw new UwsUnavailableError(`the package could not be loaded: ${(error as Error).message}`);
  }
  const binary = expectedBinaryPath();
  const cached = require.cache[binary];
  if (cached === undefined || cached.exports !== uws) {
    const why = process.env.UWS_USE_FALLBACK ? `UWS_USE_FALLBACK=${process.env.UWS_USE_FALLBACK}` : `${binary} did not load for this platform and Node ABI`;
    throw new UwsUnavailableError(why);
  }
  loaded = uws;
  return uws;
}
