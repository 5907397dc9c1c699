// Writes the shared hot-path vectors (mask.json, utf8.json, frames.json) next to
// this file. The JSON files are committed and are the source of truth for both
// the TypeScript suite (test/native/) and the C++ tests; rerun with
// `npx tsx test/vectors/generate.ts` only to add cases, and review the diff.
//
// Expected values never come from the code under test: masks from the one-line
// definition, UTF-8 states written out by hand (cross-checked against
// TextDecoder), frame records from what the frame builder put in.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { maskCases } from './gen-mask.js';
import { utf8Cases } from './gen-utf8.js';
import { frameCases } from './gen-frames.js';

const dir = fileURLToPath(new URL('.', import.meta.url));

function write(name: string, description: string, cases: unknown[]): void {
  const json = JSON.stringify({ description, cases }, null, 1) + '\n';
  writeFileSync(dir + name, json);
  console.log(`${name}: ${cases.length} cases, ${json.length} bytes`);
}

write(
  'mask.json',
  'unmask: buf[i] ^= key[(phase + i) & 3] over `input`, giving `output` and `nextPhase`. ' +
    'mask: dst (dstSize zero bytes) gets src[i] ^ key[i & 3] at dstOffset for i < length, giving `dst`. All bytes hex.',
  maskCases(),
);
write(
  'utf8.json',
  'utf8Step over `hex` from state 0: final `state` (0 accept, 1-7 inside a code point, -1 reject) and ' +
    '`firstBad`, the index of the byte at which validation fails (null when valid).',
  utf8Cases(),
);
write(
  'frames.json',
  'scanFrames(buf = hex, offset, out, maxFrames, options): `count` records (fin, rsv, opcode, masked, ' +
    'payloadOffset, payloadLength, error, end) and the whole buffer after the call, `after` (payloads unmasked in place).',
  frameCases(),
);
