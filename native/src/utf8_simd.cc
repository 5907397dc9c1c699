// SSSE3 / AVX2 bulk validator after Keiser & Lemire, "Validating UTF-8 In Less Than
// One Instruction Per Byte" (2021). For every byte, three 16-entry lookups
// (high nibble of the previous byte, its low nibble, high nibble of this byte)
// each return the set of error kinds that nibble is compatible with; their AND
// is the set of errors that actually happened. Each error kind below is a
// product of nibble conditions, so the AND has no false positives:
//
//   bit  kind          previous byte        this byte
//   0    too short     C0-FF (lead)         00-7F or C0-FF (not a continuation)
//   1    too long      00-7F                80-BF
//   2    overlong 3    E0                   80-9F
//   3    too large     F4-FF                90-BF
//   4    surrogate     ED                   A0-BF
//   5    overlong 2    C0-C1                80-BF
//   6    overlong 4 /  F0, F5-FF            80-8F
//        too large
//   7    two conts     80-BF                80-BF
//
// "Two continuations" is legal exactly when the byte two back is E0-FF or the
// byte three back is F0-FF (third/fourth byte of a long sequence), which a
// saturating subtract computes; XOR with it cancels the expected cases and
// flags the missing ones.
#include "pushgate/utf8_simd.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(PUSHGATE_NO_SIMD)
#define PUSHGATE_UTF8_SIMD 1
#include <immintrin.h>
#endif

namespace pushgate {

#if PUSHGATE_UTF8_SIMD

namespace {

constexpr uint8_t kTooShort = 1 << 0;
constexpr uint8_t kTooLong = 1 << 1;
constexpr uint8_t kOverlong3 = 1 << 2;
constexpr uint8_t kTooLarge = 1 << 3;
constexpr uint8_t kSurrogate = 1 << 4;
constexpr uint8_t kOverlong2 = 1 << 5;
constexpr uint8_t kOverlong4OrTooLarge1000 = 1 << 6;
constexpr uint8_t kTwoConts = 1 << 7;
// Kinds that put no condition on the previous byte's low nibble.
constexpr uint8_t kAnyLow = kTooShort | kTooLong | kTwoConts;

// The three nibble tables (see the header comment), as plain bytes so the
// SSSE3 and AVX2 paths load the same data.
constexpr uint8_t kLead = kTooShort;
constexpr uint8_t kCont = kTooLong | kOverlong2 | kTwoConts;  // any continuation 80-BF
constexpr uint8_t kHighLow = kAnyLow | kTooLarge | kOverlong4OrTooLarge1000;  // F5-FF low nibbles

alignas(16) constexpr uint8_t kByPrevHigh[16] = {
    kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong,  // 0-7
    kTwoConts, kTwoConts, kTwoConts, kTwoConts,                                      // 8-B
    kLead | kOverlong2,                                                              // C
    kLead,                                                                           // D
    kLead | kOverlong3 | kSurrogate,                                                 // E
    kLead | kTooLarge | kOverlong4OrTooLarge1000,                                    // F
};
alignas(16) constexpr uint8_t kByPrevLow[16] = {
    kAnyLow | kOverlong2 | kOverlong3 | kOverlong4OrTooLarge1000,  // 0: C0 E0 F0
    kAnyLow | kOverlong2,                                          // 1: C1
    kAnyLow, kAnyLow,                                              // 2, 3
    kAnyLow | kTooLarge,                                           // 4: F4
    kHighLow, kHighLow, kHighLow, kHighLow, kHighLow, kHighLow, kHighLow, kHighLow,  // 5-C
    kHighLow | kSurrogate,                                         // D: ED
    kHighLow, kHighLow,                                            // E, F
};
alignas(16) constexpr uint8_t kByThisHigh[16] = {
    kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort,  // 0-7
    kCont | kOverlong3 | kOverlong4OrTooLarge1000,                                          // 8
    kCont | kOverlong3 | kTooLarge,                                                         // 9
    kCont | kSurrogate | kTooLarge,                                                         // A
    kCont | kSurrogate | kTooLarge,                                                         // B
    kTooShort, kTooShort, kTooShort, kTooShort,                                             // C-F
};

__attribute__((target("ssse3"))) bool ValidSsse3(const uint8_t* p, size_t bytes) {
  const __m128i by_prev_high = _mm_load_si128(reinterpret_cast<const __m128i*>(kByPrevHigh));
  const __m128i by_prev_low = _mm_load_si128(reinterpret_cast<const __m128i*>(kByPrevLow));
  const __m128i by_this_high = _mm_load_si128(reinterpret_cast<const __m128i*>(kByThisHigh));
  const __m128i low_mask = _mm_set1_epi8(0x0F);
  const __m128i third_lead = _mm_set1_epi8(static_cast<char>(0xE0 - 0x80));
  const __m128i fourth_lead = _mm_set1_epi8(static_cast<char>(0xF0 - 0x80));
  const __m128i high_bit = _mm_set1_epi8(static_cast<char>(0x80));
  __m128i prev = _mm_setzero_si128();  // a boundary precedes p: as if ASCII
  __m128i error = _mm_setzero_si128();
  bool prev_ascii = true;
  for (size_t at = 0; at + 16 <= bytes; at += 16) {
    const __m128i input = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    const bool ascii = _mm_movemask_epi8(input) == 0;
    // ASCII after ASCII cannot be wrong; ASCII after a non-ASCII block still
    // needs the check (it may cut a sequence short).
    if (!(ascii && prev_ascii)) {
      const __m128i prev1 = _mm_alignr_epi8(input, prev, 15);
      const __m128i prev1_high = _mm_and_si128(_mm_srli_epi16(prev1, 4), low_mask);
      const __m128i input_high = _mm_and_si128(_mm_srli_epi16(input, 4), low_mask);
      const __m128i special = _mm_and_si128(
          _mm_and_si128(_mm_shuffle_epi8(by_prev_high, prev1_high),
                        _mm_shuffle_epi8(by_prev_low, _mm_and_si128(prev1, low_mask))),
          _mm_shuffle_epi8(by_this_high, input_high));
      const __m128i prev2 = _mm_alignr_epi8(input, prev, 14);
      const __m128i prev3 = _mm_alignr_epi8(input, prev, 13);
      const __m128i must23 = _mm_or_si128(_mm_subs_epu8(prev2, third_lead), _mm_subs_epu8(prev3, fourth_lead));
      error = _mm_or_si128(error, _mm_xor_si128(special, _mm_and_si128(must23, high_bit)));
    }
    prev = input;
    prev_ascii = ascii;
  }
  return _mm_movemask_epi8(_mm_cmpeq_epi8(error, _mm_setzero_si128())) == 0xFFFF;
}

#if !defined(PUSHGATE_NO_AVX2)
// The same per 32 bytes. vpshufb and vpalignr work within 128-bit lanes: the
// tables are simply repeated in both lanes, and the "previous bytes" vector
// for the low lane comes from the high lane of the previous block
// (permute2x128 builds [prev.high, input.low]).
__attribute__((target("avx2"))) bool ValidAvx2(const uint8_t* p, size_t bytes) {
  const __m256i by_prev_high = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(kByPrevHigh)));
  const __m256i by_prev_low = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(kByPrevLow)));
  const __m256i by_this_high = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(kByThisHigh)));
  const __m256i low_mask = _mm256_set1_epi8(0x0F);
  const __m256i third_lead = _mm256_set1_epi8(static_cast<char>(0xE0 - 0x80));
  const __m256i fourth_lead = _mm256_set1_epi8(static_cast<char>(0xF0 - 0x80));
  const __m256i high_bit = _mm256_set1_epi8(static_cast<char>(0x80));
  __m256i prev = _mm256_setzero_si256();
  __m256i error = _mm256_setzero_si256();
  bool prev_ascii = true;
  for (size_t at = 0; at + 32 <= bytes; at += 32) {
    const __m256i input = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + at));
    const bool ascii = _mm256_movemask_epi8(input) == 0;
    if (!(ascii && prev_ascii)) {
      const __m256i carried = _mm256_permute2x128_si256(prev, input, 0x21);
      const __m256i prev1 = _mm256_alignr_epi8(input, carried, 15);
      const __m256i prev1_high = _mm256_and_si256(_mm256_srli_epi16(prev1, 4), low_mask);
      const __m256i input_high = _mm256_and_si256(_mm256_srli_epi16(input, 4), low_mask);
      const __m256i special = _mm256_and_si256(
          _mm256_and_si256(_mm256_shuffle_epi8(by_prev_high, prev1_high),
                           _mm256_shuffle_epi8(by_prev_low, _mm256_and_si256(prev1, low_mask))),
          _mm256_shuffle_epi8(by_this_high, input_high));
      const __m256i prev2 = _mm256_alignr_epi8(input, carried, 14);
      const __m256i prev3 = _mm256_alignr_epi8(input, carried, 13);
      const __m256i must23 =
          _mm256_or_si256(_mm256_subs_epu8(prev2, third_lead), _mm256_subs_epu8(prev3, fourth_lead));
      error = _mm256_or_si256(error, _mm256_xor_si256(special, _mm256_and_si256(must23, high_bit)));
    }
    prev = input;
    prev_ascii = ascii;
  }
  return _mm256_testz_si256(error, error) != 0;
}
#endif

struct Dispatch {
  size_t block;
  bool (*valid)(const uint8_t*, size_t);
};

Dispatch Choose() {
#if !defined(PUSHGATE_NO_AVX2)
  if (__builtin_cpu_supports("avx2")) return {32, ValidAvx2};
#endif
  if (__builtin_cpu_supports("ssse3")) return {16, ValidSsse3};
  return {0, nullptr};
}

const Dispatch& Chosen() {
  static const Dispatch chosen = Choose();
  return chosen;
}

}  // namespace

size_t Utf8SimdBlock() { return Chosen().block; }

bool Utf8ValidBulk(const uint8_t* p, size_t bytes) { return Chosen().valid(p, bytes); }

#else  // no SIMD path in this build: Utf8Step uses the DFA throughout.

size_t Utf8SimdBlock() { return 0; }
bool Utf8ValidBulk(const uint8_t*, size_t) { return false; }

#endif

}  // namespace pushgate
