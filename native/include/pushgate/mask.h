// WebSocket masking (RFC 6455 §5.3). Pure C++, no allocation, exact tails.
#ifndef PUSHGATE_MASK_H
#define PUSHGATE_MASK_H

#include <cstddef>
#include <cstdint>

namespace pushgate {

// dst[i] = src[i] ^ key[i & 3] for i < length. src and dst may be the same
// pointer (in place); other overlaps are not supported.
void Mask(const uint8_t* src, const uint8_t key[4], uint8_t* dst, size_t length);

// XORs buf in place as if its first byte sat at mask phase `phase` (taken & 3).
// Returns the phase after the last byte: (phase + length) & 3.
uint32_t Unmask(uint8_t* buf, size_t length, const uint8_t key[4], uint32_t phase);

}  // namespace pushgate

#endif  // PUSHGATE_MASK_H
