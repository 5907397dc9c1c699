// Streaming UTF-8 validation in pure TypeScript (RFC 3629 well-formed sequences:
// no overlongs, no surrogates, nothing above U+10FFFF). Arguments are trusted:
// src/native/validate.ts checks them first.
//
// The DFA states are exactly those of Utf8State, so a state returned here can be
// fed to the native validator and the other way round. For long buffers at a
// code-point boundary, node's own SIMD validator (buffer.isUtf8) checks the bulk
// and the DFA only walks the last incomplete code point.
import { isUtf8 } from 'node:buffer';
import { Utf8State } from '../types.js';

// Byte classes: bytes that always behave alike share a column of the table.
const C_ASCII = 0; // 00–7F
const C_CONT_LO = 1; // 80–8F
const C_CONT_MID = 2; // 90–9F
const C_CONT_HI = 3; // A0–BF
const C_INVALID = 4; // C0–C1 (overlong 2-byte leads), F5–FF (above U+10FFFF / not UTF-8)
const C_LEAD2 = 5; // C2–DF
const C_E0 = 6;
const C_LEAD3 = 7; // E1–EC, EE–EF
const C_ED = 8;
const C_F0 = 9;
const C_LEAD4 = 10; // F1–F3
const C_F4 = 11;
const CLASSES = 12;

const CLASS_OF = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  CLASS_OF[b] =
    b < 0x80 ? C_ASCII
    : b < 0x90 ? C_CONT_LO
    : b < 0xa0 ? C_CONT_MID
    : b < 0xc0 ? C_CONT_HI
    : b < 0xc2 ? C_INVALID
    : b < 0xe0 ? C_LEAD2
    : b === 0xe0 ? C_E0
    : b === 0xed ? C_ED
    : b < 0xf0 ? C_LEAD3
    : b === 0xf0 ? C_F0
    : b < 0xf4 ? C_LEAD4
    : b === 0xf4 ? C_F4
    : C_INVALID;
}

/** Internal row index for the reject state (Utf8State.Reject = -1 cannot index the table). */
const REJECT_ROW = 8;
const S = Utf8State;
const R = REJECT_ROW;

// NEXT[state * CLASSES + class] → next state.
// Columns: ASCII  80–8F   90–9F   A0–BF   invalid C2–DF  E0          E1–EF¬ED ED          F0          F1–F3    F4
// prettier-ignore
const NEXT = Uint8Array.from([
  /* Accept  */ S.Accept, R,       R,       R,       R, S.Need1, S.AfterE0, S.Need2, S.AfterED, S.AfterF0, S.Need3, S.AfterF4,
  /* Need1   */ R,        S.Accept, S.Accept, S.Accept, R, R,    R,         R,       R,         R,         R,       R,
  /* Need2   */ R,        S.Need1, S.Need1, S.Need1, R, R,       R,         R,       R,         R,         R,       R,
  /* Need3   */ R,        S.Need2, S.Need2, S.Need2, R, R,       R,         R,       R,         R,         R,       R,
  /* AfterE0 */ R,        R,       R,       S.Need1, R, R,       R,         R,       R,         R,         R,       R,
  /* AfterED */ R,        S.Need1, S.Need1, R,       R, R,       R,         R,       R,         R,         R,       R,
  /* AfterF0 */ R,        R,       S.Need2, S.Need2, R, R,       R,         R,       R,         R,         R,       R,
  /* AfterF4 */ R,        S.Need2, R,       R,       R, R,       R,         R,       R,         R,         R,       R,
  /* Reject  */ R,        R,       R,       R,       R, R,       R,         R,       R,         R,         R,       R,
]);

/**
 * Below this many bytes the DFA alone is cheaper than a call into buffer.isUtf8
 * plus the subarray it needs.
 */
const IS_UTF8_MIN = 64;

/** Runs the DFA over buf[start..end) from `state` (≥ 0); stops at the first bad byte. */
function runDfa(buf: Uint8Array, start: number, end: number, state: number): number {
  let s = state;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (s === 0 && b < 0x80) continue;
    s = NEXT[s * CLASSES + CLASS_OF[b]];
    if (s === REJECT_ROW) return S.Reject;
  }
  return s;
}

/**
 * Index just past the last complete code point of buf[start..end): looks back at
 * most 3 bytes for a lead byte whose sequence the buffer does not finish. A
 * malformed tail is left to the DFA, which rejects it at the right byte.
 */
function lastBoundary(buf: Uint8Array, start: number, end: number): number {
  const floor = Math.max(start, end - 3);
  for (let i = end - 1; i >= floor; i--) {
    const b = buf[i];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for its lead
    if (b < 0xc0) return end; // ASCII: everything before the end is complete
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return end - i < size ? i : end;
  }
  return end;
}

/** Streaming UTF-8 validation; see Utf8State. A negative state is returned unchanged. */
export function utf8Step(buf: Uint8Array, state = 0): number {
  if (state < 0) return state;
  const end = buf.length;
  let start = 0;
  let s = state;
  // Finish a code point left open by the previous chunk (at most 3 bytes).
  while (s > 0 && start < end) {
    s = NEXT[s * CLASSES + CLASS_OF[buf[start++]]];
    if (s === REJECT_ROW) return S.Reject;
  }
  if (s !== 0 || end - start < IS_UTF8_MIN) return runDfa(buf, start, end, s);
  const boundary = lastBoundary(buf, start, end);
  const bulk = start === 0 && boundary === end ? buf : buf.subarray(start, boundary);
  if (isUtf8(bulk)) return runDfa(buf, boundary, end, S.Accept);
  // Invalid somewhere: the DFA is the one source of truth for the result.
  return runDfa(buf, start, end, S.Accept);
}
