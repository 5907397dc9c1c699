// Loads the C++ addon (build/Release/pushgate_native.node). This is the only
// module that touches the addon; everything else goes through src/native/index.ts.
//
// The path is resolved relative to this file: `../../build/Release` is the
// repository's build directory both from src/native/ (tests under tsx) and from
// dist/native/ (the compiled package).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { NativeOps, ScanOptions } from './types.js';
import { effectiveMaxPayload } from './validate.js';

export const ADDON_PATH = fileURLToPath(new URL('../../build/Release/pushgate_native.node', import.meta.url));

/** The addon's raw exports: positional numbers only, no defaults, no argument checks. */
interface RawBinding {
  mask(src: Uint8Array, key: Uint8Array, dst: Uint8Array, dstOffset: number, length: number): void;
  unmask(buf: Uint8Array, key: Uint8Array, phase: number): number;
  utf8Step(buf: Uint8Array, state: number): number;
  scanFrames(buf: Uint8Array, offset: number, out: Int32Array, maxFrames: number, allowedRsv: number, maxPayload: number): number;
}

export interface LoadResult {
  ops: NativeOps | null;
  /** Why `ops` is null (for the start-up log line and test skip messages); null when the addon loaded. */
  reason: string | null;
}

function isRawBinding(value: unknown): value is RawBinding {
  const b = value as Partial<Record<keyof RawBinding, unknown>> | null;
  return (
    b !== null && typeof b === 'object' &&
    typeof b.mask === 'function' && typeof b.unmask === 'function' &&
    typeof b.utf8Step === 'function' && typeof b.scanFrames === 'function'
  );
}

/**
 * The addon wrapped as NativeOps, or null when PUSHGATE_NATIVE=0, when it is not
 * built, or when it fails to load. The wrapper fills in defaults but does not
 * check arguments: callers go through validate.ts first.
 */
export function loadNative(env: NodeJS.ProcessEnv = process.env): NativeOps | null {
  return loadNativeWithReason(env).ops;
}

/** loadNative, plus the reason when the addon is not used. */
export function loadNativeWithReason(env: NodeJS.ProcessEnv = process.env): LoadResult {
  if (env.PUSHGATE_NATIVE === '0') return { ops: null, reason: 'disabled by PUSHGATE_NATIVE=0' };
  let raw: unknown;
  try {
    raw = createRequire(import.meta.url)(ADDON_PATH);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'MODULE_NOT_FOUND'
      ? `addon not built (${ADDON_PATH} missing)`
      : `addon failed to load: ${(err as Error).message}`;
    return { ops: null, reason };
  }
  if (!isRawBinding(raw)) return { ops: null, reason: `addon at ${ADDON_PATH} lacks mask/unmask/utf8Step/scanFrames` };
  const binding = raw;
  const ops: NativeOps = {
    mask: (src, key, dst, dstOffset, length) => binding.mask(src, key, dst, dstOffset, length),
    unmask: (buf, key, phase = 0) => binding.unmask(buf, key, phase),
    utf8Step: (buf, state = 0) => binding.utf8Step(buf, state),
    scanFrames: (buf, offset, out, maxFrames, options?: ScanOptions) =>
      binding.scanFrames(buf, offset, out, maxFrames, options?.rsv ?? 0, effectiveMaxPayload(options)),
  };
  return { ops, reason: null };
}
