// UTF-8 vectors. Every expected state and first-bad index is written out by hand
// below; generation only cross-checks them against WHATWG TextDecoder (fatal,
// streaming), which fails at exactly the same byte as the contract's DFA.
const A = 0, N1 = 1, N2 = 2, N3 = 3, E0 = 4, ED = 5, F0 = 6, F4 = 7, R = -1;

type Case = { name: string; hex: string; state: number; firstBad: number | null };

const ascii100 = Buffer.from('a'.repeat(100)).toString('hex');
// 5 ASCII + 5×Greek (2 B) + 5×CJK (3 B) + 5×emoji (4 B) = 50 bytes, repeated 4× = 200 bytes.
const mixed200 = Buffer.from('hello'.concat('αβγδε', '中文字符串', '😀😁😂🤣😃').repeat(4)).toString('hex');

const valid = (name: string, hex: string): Case => ({ name, hex, state: A, firstBad: null });
const partial = (name: string, hex: string, state: number): Case => ({ name, hex, state, firstBad: null });
const bad = (name: string, hex: string, firstBad: number): Case => ({ name, hex, state: R, firstBad });

const CASES: Case[] = [
  valid('empty', ''),
  valid('U+0000', '00'),
  valid('U+0041', '41'),
  valid('U+007F', '7f'),
  valid('U+0080 (smallest 2-byte)', 'c280'),
  valid('U+07FF (largest 2-byte)', 'dfbf'),
  valid('U+0800 (smallest 3-byte)', 'e0a080'),
  valid('U+D7FF (below the surrogates)', 'ed9fbf'),
  valid('U+E000 (above the surrogates)', 'ee8080'),
  valid('U+FFFD', 'efbfbd'),
  valid('U+FFFF', 'efbfbf'),
  valid('U+10000 (smallest 4-byte)', 'f0908080'),
  valid('U+10FFFF (largest code point)', 'f48fbfbf'),
  valid('U+20AC euro', 'e282ac'),
  valid('U+1F600 emoji', 'f09f9880'),
  valid('mixed 1-4 byte text', Buffer.from('aΩ中😀z').toString('hex')),
  valid('long ASCII', ascii100),
  valid('long mixed text', mixed200),

  partial('C2 alone', 'c2', N1),
  partial('DF alone', 'df', N1),
  partial('E0 alone', 'e0', E0),
  partial('E0 A0', 'e0a0', N1),
  partial('E1 alone', 'e1', N2),
  partial('E1 80', 'e180', N1),
  partial('EC alone', 'ec', N2),
  partial('ED alone', 'ed', ED),
  partial('ED 9F', 'ed9f', N1),
  partial('EE alone', 'ee', N2),
  partial('EF BF', 'efbf', N1),
  partial('F0 alone', 'f0', F0),
  partial('F0 90', 'f090', N2),
  partial('F0 9F 98', 'f09f98', N1),
  partial('F1 alone', 'f1', N3),
  partial('F1 80', 'f180', N2),
  partial('F3 80 80', 'f38080', N1),
  partial('F4 alone', 'f4', F4),
  partial('F4 8F', 'f48f', N2),
  partial('F4 8F BF', 'f48fbf', N1),
  partial('ASCII then E2 82', '41e282', N1),
  partial('long ASCII then F0 9F 98', ascii100 + 'f09f98', N1),
  partial('long mixed then E2', mixed200 + 'e2', N2),
  partial('long mixed then F0', mixed200 + 'f0', F0),
  partial('long mixed then ED', mixed200 + 'ed', ED),
  partial('long mixed then C3', mixed200 + 'c3', N1),

  bad('lone continuation 80', '80', 0),
  bad('lone continuation BF', 'bf', 0),
  bad('continuation after ASCII', '4180', 1),
  bad('continuation after a complete 2-byte', 'c280bf', 2),
  bad('overlong C0 80 (NUL)', 'c080', 0),
  bad('overlong C0 AF (/)', 'c0af', 0),
  bad('overlong C1 BF', 'c1bf', 0),
  bad('overlong E0 80 80', 'e08080', 1),
  bad('overlong E0 9F BF', 'e09fbf', 1),
  bad('overlong F0 80 80 80', 'f0808080', 1),
  bad('overlong F0 8F BF BF', 'f08fbfbf', 1),
  bad('surrogate ED A0 80 (U+D800)', 'eda080', 1),
  bad('surrogate ED AD BF', 'edadbf', 1),
  bad('surrogate ED B0 80 (U+DC00)', 'edb080', 1),
  bad('surrogate ED BF BF (U+DFFF)', 'edbfbf', 1),
  bad('surrogate pair as CESU-8', 'eda0bdedb880', 1),
  bad('above U+10FFFF: F4 90 80 80', 'f4908080', 1),
  bad('above U+10FFFF: F4 BF', 'f4bf', 1),
  bad('F5', 'f5', 0),
  bad('F5 80 80 80', 'f5808080', 0),
  bad('F7 BF BF BF', 'f7bfbfbf', 0),
  bad('F8', 'f8', 0),
  bad('FC', 'fc', 0),
  bad('FE', 'fe', 0),
  bad('FF', 'ff', 0),
  bad('truncated 2-byte then ASCII', 'c241', 1),
  bad('truncated 2-byte then lead', 'c2c2', 1),
  bad('truncated 3-byte (1 of 2) then ASCII', 'e241', 1),
  bad('truncated 3-byte (2 of 3) then ASCII', 'e28241', 2),
  bad('truncated 3-byte then a full 3-byte', 'e282e282ac', 2),
  bad('truncated 4-byte (3 of 4) then ASCII', 'f09f9841', 3),
  bad('truncated 4-byte (2 of 4) then lead', 'f09ff0', 2),
  bad('5th byte of a 4-byte sequence', 'f09f988080', 4),
  bad('long ASCII then FF', ascii100 + 'ff', 100),
  bad('FF then long ASCII', 'ff' + ascii100, 0),
  bad('long ASCII then overlong C0 80', ascii100 + 'c080', 100),
  bad('long ASCII then 3 continuation bytes', ascii100 + '808080', 100),
  bad('long ASCII then F4 90', ascii100 + 'f490', 101),
  bad('long ASCII then E0 80', ascii100 + 'e080', 101),
  bad('long ASCII then ED A0', ascii100 + 'eda0', 101),
  bad('long ASCII then F5', ascii100 + 'f5', 100),
  bad('long mixed then surrogate', mixed200 + 'eda080', 201),
  bad('long mixed then BF', mixed200 + 'bf', 200),
  bad('surrogate inside long text', mixed200.slice(0, 100) + 'edbfbf' + mixed200.slice(100), 51),
  bad('long mixed, bad byte, long mixed', mixed200 + 'c0' + mixed200, 200),
];

/** Throws when a hand-written expectation disagrees with TextDecoder. */
function crossCheck(c: Case): void {
  const bytes = Buffer.from(c.hex, 'hex');
  const accepts = (b: Uint8Array, stream: boolean): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b, { stream });
      return true;
    } catch {
      return false;
    }
  };
  const ok =
    c.state === A ? accepts(bytes, false)
    : c.state > 0 ? accepts(bytes, true) && !accepts(bytes, false)
    : c.firstBad !== null && accepts(bytes.subarray(0, c.firstBad), true) && !accepts(bytes.subarray(0, c.firstBad + 1), true);
  if (!ok) throw new Error(`utf8 vector "${c.name}" disagrees with TextDecoder`);
}

export function utf8Cases(): Case[] {
  for (const c of CASES) crossCheck(c);
  return CASES;
}
