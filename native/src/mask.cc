// Masking is a plain XOR with a 4-byte key repeating from a phase. The bulk is
// done a word (or an SSE2 register) at a time with the key pre-rotated so that
// the word starts at the right phase; head and tail are byte loops so nothing
// outside [0, length) is ever read or written.
#include "pushgate/mask.h"

#include <cstring>

#if defined(__SSE2__) && !defined(PUSHGATE_NO_SIMD)
#include <emmintrin.h>
#define PUSHGATE_MASK_SSE2 1
#endif

namespace pushgate {
namespace {

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);  // memcpy: unaligned and aliasing-safe, compiles to one load
  return v;
}

inline void Store64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, sizeof v); }

// The key bytes in memory order as seen by a run of bytes starting at `phase`.
inline uint64_t RotatedKey64(const uint8_t key[4], uint32_t phase) {
  uint8_t k[8];
  for (uint32_t i = 0; i < 8; ++i) k[i] = key[(phase + i) & 3];
  return Load64(k);
}

// dst[i] = src[i] ^ key[(phase + i) & 3]; src == dst allowed.
void XorRun(const uint8_t* src, uint8_t* dst, size_t length, const uint8_t key[4],
            uint32_t phase) {
  size_t i = 0;
#if PUSHGATE_MASK_SSE2
  const size_t align = 16;
#else
  const size_t align = 8;
#endif
  // Head: advance to an aligned destination so the bulk stores are aligned.
  size_t head = static_cast<size_t>(-reinterpret_cast<uintptr_t>(dst)) & (align - 1);
  if (head > length) head = length;
  for (; i < head; ++i) dst[i] = src[i] ^ key[(phase + i) & 3];

  // From here the key is rotated by phase and by the head length.
  const uint64_t k64 = RotatedKey64(key, static_cast<uint32_t>((phase + i) & 3));
#if PUSHGATE_MASK_SSE2
  const __m128i k128 = _mm_set1_epi64x(static_cast<long long>(k64));
  for (; i + 64 <= length; i += 64) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 16));
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 32));
    const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 48));
    _mm_store_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(a, k128));
    _mm_store_si128(reinterpret_cast<__m128i*>(dst + i + 16), _mm_xor_si128(b, k128));
    _mm_store_si128(reinterpret_cast<__m128i*>(dst + i + 32), _mm_xor_si128(c, k128));
    _mm_store_si128(reinterpret_cast<__m128i*>(dst + i + 48), _mm_xor_si128(d, k128));
  }
  for (; i + 16 <= length; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    _mm_store_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(a, k128));
  }
#else
  for (; i + 32 <= length; i += 32) {
    const uint64_t a = Load64(src + i), b = Load64(src + i + 8);
    const uint64_t c = Load64(src + i + 16), d = Load64(src + i + 24);
    Store64(dst + i, a ^ k64);
    Store64(dst + i + 8, b ^ k64);
    Store64(dst + i + 16, c ^ k64);
    Store64(dst + i + 24, d ^ k64);
  }
#endif
  // Every bulk step is a multiple of 4 bytes, so the phase is unchanged here.
  for (; i + 8 <= length; i += 8) Store64(dst + i, Load64(src + i) ^ k64);
  for (; i < length; ++i) dst[i] = src[i] ^ key[(phase + i) & 3];
}

}  // namespace

void Mask(const uint8_t* src, const uint8_t key[4], uint8_t* dst, size_t length) {
  XorRun(src, dst, length, key, 0);
}

uint32_t Unmask(uint8_t* buf, size_t length, const uint8_t key[4], uint32_t phase) {
  phase &= 3;
  XorRun(buf, buf, length, key, phase);
  return static_cast<uint32_t>((phase + length) & 3);
}

}  // namespace pushgate
