// Streaming UTF-8 validator: a 16-byte ASCII skip while at a code-point
// boundary, and a table-driven DFA (byte -> class, state x class -> state)
// for everything else. Inputs of 64 bytes or more are validated in bulk with
// AVX2 or SSSE3 when the CPU has them (utf8_simd.cc); the DFA handles the edges, so the
// result is the same state either way. The DFA states are exactly utf8_state 0-7 of
// constants.h; the internal reject state 8 is returned as -1.
#include "pushgate/utf8.h"

#include <cstring>

#include "pushgate/constants.h"
#include "pushgate/utf8_simd.h"

namespace pushgate {
namespace {

// Byte classes. Continuation bytes are split where Table 3-7 puts a bound
// (8F|90, 9F|A0) so the states after E0, ED, F0 and F4 can reject overlongs,
// surrogates and code points above U+10FFFF at the second byte.
enum : uint8_t {
  kAscii = 0,    // 00-7F
  kCont8 = 1,    // 80-8F
  kCont9 = 2,    // 90-9F
  kContAB = 3,   // A0-BF
  kLead2 = 4,    // C2-DF
  kE0 = 5,       // E0
  kLead3 = 6,    // E1-EC, EE-EF
  kED = 7,       // ED
  kF0 = 8,       // F0
  kLead4 = 9,    // F1-F3
  kF4 = 10,      // F4
  kInvalid = 11, // C0, C1, F5-FF: never valid anywhere
};

constexpr uint8_t ClassOf(unsigned b) {
  return b <= 0x7F   ? kAscii
         : b <= 0x8F ? kCont8
         : b <= 0x9F ? kCont9
         : b <= 0xBF ? kContAB
         : b <= 0xC1 ? kInvalid
         : b <= 0xDF ? kLead2
         : b == 0xE0 ? kE0
         : b == 0xED ? kED
         : b <= 0xEF ? kLead3
         : b == 0xF0 ? kF0
         : b <= 0xF3 ? kLead4
         : b == 0xF4 ? kF4
                     : kInvalid;
}

struct ClassTable {
  uint8_t v[256];
};

constexpr ClassTable MakeClassTable() {
  ClassTable t{};
  for (unsigned b = 0; b < 256; ++b) t.v[b] = ClassOf(b);
  return t;
}

constexpr ClassTable kClass = MakeClassTable();

// States are stored pre-multiplied by 16 (the row width) so the hot loop is
// one add and one load per byte.
constexpr uint8_t kRow = 16;
constexpr uint8_t kRejectInternal = 8;
constexpr uint8_t S(uint8_t s) { return static_cast<uint8_t>(s * kRow); }
constexpr uint8_t R = S(kRejectInternal);

// clang-format off
constexpr uint8_t kTransition[9 * kRow] = {
  //         Ascii  80-8F  90-9F  A0-BF  C2-DF  E0     E1-EF  ED     F0     F1-F3  F4     inval  (pad)
  /* 0 */    S(0),  R,     R,     R,     S(1),  S(4),  S(2),  S(5),  S(6),  S(3),  S(7),  R,     R, R, R, R,
  /* 1 */    R,     S(0),  S(0),  S(0),  R,     R,     R,     R,     R,     R,     R,     R,     R, R, R, R,
  /* 2 */    R,     S(1),  S(1),  S(1),  R,     R,     R,     R,     R,     R,     R,     R,     R, R, R, R,
  /* 3 */    R,     S(2),  S(2),  S(2),  R,     R,     R,     R,     R,     R,     R,     R,     R, R, R, R,
  /* 4 E0 */ R,     R,     R,     S(1),  R,     R,     R,     R,     R,     R,     R,     R,     R, R, R, R,
  /* 5 ED */ R,     S(1),  S(1),  R,     R,     R,     R,     R,     R,     R,     R,     R,     R, R, R, R,
  /* 6 F0 */ R,     R,     S(2),  S(2),  R,     R,     R,     R,     R,     R,     R,     R,     R, R, R, R,
  /* 7 F4 */ R,     S(2),  R,     R,     R,     R,     R,     R,     R,     R,     R,     R,     R, R, R, R,
  /* 8 rej */R,     R,     R,     R,     R,     R,     R,     R,     R,     R,     R,     R,     R, R, R, R,
};
// clang-format on

static_assert(utf8_state::kAfterF4 == 7 && utf8_state::kAccept == 0,
              "table rows follow the utf8_state numbering");

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

constexpr uint64_t kHighBits = 0x8080808080808080ull;

// Below this the call overhead of the SIMD path is not worth it.
constexpr size_t kSimdMinBytes = 64;

}  // namespace

int32_t Utf8Step(const uint8_t* buf, size_t length, int32_t state) {
  if (state < 0) return state;
  if (state > utf8_state::kAfterF4) return utf8_state::kReject;
  uint32_t s = static_cast<uint32_t>(state) * kRow;
  size_t i = 0;
  // Finish a code point left open by the previous chunk (at most 3 bytes).
  while (s != 0 && s != R && i < length) s = kTransition[s + kClass.v[buf[i++]]];
  if (s == R) return utf8_state::kReject;
  const size_t block = Utf8SimdBlock();
  if (s == 0 && block != 0 && length - i >= kSimdMinBytes) {
    const size_t bulk = (length - i) / block * block;
    if (!Utf8ValidBulk(buf + i, bulk)) return utf8_state::kReject;
    // The bulk check accepts a sequence cut off at its end; resume the DFA at
    // the last lead byte among the final three bytes (if any) so that the
    // returned state describes it. Anything further back is complete.
    const size_t end = i + bulk;
    i = end;
    for (size_t k = end - 1; k + 3 >= end; --k) {
      if (buf[k] >= 0xC0) {
        i = k;
        break;
      }
    }
  }
  while (i < length) {
    if (s == 0) {
      // At a boundary: skip 16 pure-ASCII bytes per step (two words OR'd).
      while (i + 16 <= length && ((Load64(buf + i) | Load64(buf + i + 8)) & kHighBits) == 0) i += 16;
      if (i == length) break;
    }
    // DFA over the next block; reject is absorbing, so one check per block
    // still returns -1 whenever any byte was invalid.
    const size_t stop = length - i > 16 ? i + 16 : length;
    for (; i < stop; ++i) s = kTransition[s + kClass.v[buf[i]]];
    if (s == R) return utf8_state::kReject;
  }
  return static_cast<int32_t>(s / kRow);
}

}  // namespace pushgate
