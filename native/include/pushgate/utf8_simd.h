// Bulk UTF-8 validation with SIMD, used by Utf8Step between its scalar edges.
#ifndef PUSHGATE_UTF8_SIMD_H
#define PUSHGATE_UTF8_SIMD_H

#include <cstddef>
#include <cstdint>

namespace pushgate {

// Bytes per SIMD step on this CPU: 32 (AVX2), 16 (SSSE3), or 0 when this
// build or CPU has neither (Utf8Step then uses the DFA throughout).
size_t Utf8SimdBlock();

// Validates `bytes` (a multiple of Utf8SimdBlock()) starting at a code-point
// boundary. Returns false if any byte is invalid given the bytes before it. A
// sequence left incomplete at the very end is NOT an error here: the caller
// re-scans the last (up to 3) bytes with the streaming DFA.
bool Utf8ValidBulk(const uint8_t* p, size_t bytes);

}  // namespace pushgate

#endif  // PUSHGATE_UTF8_SIMD_H
