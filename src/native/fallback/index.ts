// The pure TypeScript implementation of the hot-path operations, with exactly the
// semantics of the addon. Arguments are not checked here (src/native/validate.ts
// does that once, for both implementations).
import type { NativeOps } from '../types.js';
import { mask, unmask } from './mask.js';
import { utf8Step } from './utf8.js';
import { scanFrames } from './frame-scan.js';

export { mask, unmask, utf8Step, scanFrames };

export const fallbackOps: NativeOps = { mask, unmask, utf8Step, scanFrames };
