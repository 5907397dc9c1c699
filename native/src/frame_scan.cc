// One pass over a socket read: header checks in the order documented on
// ScanError in src/native/types.ts, each as soon as the bytes that reveal it
// are present, then in-place unmasking of every complete frame.
//
// Most frames a gateway reads are small, masked, unfragmented data frames
// several to a socket read. They take a fast path: one compare on each header
// byte, then an inline word-at-a-time XOR (no call, no alignment prologue, no
// SIMD setup). With the general path alone, XorRun's alignment head and
// rotated-key setup were ~140 of the ~230 instructions spent on a 16-byte
// frame (callgrind); the fast path needs ~40.
#include "pushgate/frame_scan.h"

#include <cstring>

#include "pushgate/constants.h"
#include "pushgate/mask.h"

namespace pushgate {
namespace {

// Payloads up to this size are XORed inline by XorSmall; longer ones go to
// Unmask, whose SIMD loop pays for its set-up from about here on.
constexpr size_t kInlineXorMax = 64;

// XORs p[0, n) with the key at phase 0. Every step but the last consumes a
// multiple of 4 bytes, so the key never needs rotating. The 8- and 4-byte
// words are loaded and stored in memory order (memcpy), and the key word is
// built the same way, so byte order does not matter.
inline void XorSmall(uint8_t* p, size_t n, const uint8_t* key) {
  uint32_t k32;
  std::memcpy(&k32, key, 4);
  const uint64_t k64 = (static_cast<uint64_t>(k32) << 32) | k32;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    v ^= k64;
    std::memcpy(p, &v, 8);
  }
  if (n >= 4) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    v ^= k32;
    std::memcpy(p, &v, 4);
    p += 4;
    n -= 4;
  }
  // 0–3 bytes left, still at phase 0: no loop, so no loop set-up either.
  if (n & 2) {
    p[0] ^= key[0];
    p[1] ^= key[1];
  }
  if (n & 1) p[n - 1] ^= key[n - 1];
}

inline void WriteRecord(int32_t* rec, uint32_t b0, size_t payload_offset, size_t plen) {
  rec[slot::kFin] = static_cast<int32_t>(b0 >> 7);
  rec[slot::kRsv] = static_cast<int32_t>((b0 >> 4) & 7);
  rec[slot::kOpcode] = static_cast<int32_t>(b0 & 15);
  rec[slot::kMasked] = 1;
  rec[slot::kPayloadOffset] = static_cast<int32_t>(payload_offset);
  rec[slot::kPayloadLength] = static_cast<int32_t>(plen);
  rec[slot::kError] = scan_error::kNone;
  rec[slot::kEnd] = static_cast<int32_t>(payload_offset + plen);
}

bool IsReservedOpcode(uint32_t opcode) { return (opcode >= 3 && opcode <= 7) || opcode >= 11; }

// Error records carry only what the header revealed before the error: the
// payload position and length are not trusted, so they stay 0.
void WriteError(int32_t* rec, uint32_t fin, uint32_t rsv, uint32_t opcode, uint32_t masked,
                int32_t error) {
  rec[slot::kFin] = static_cast<int32_t>(fin);
  rec[slot::kRsv] = static_cast<int32_t>(rsv);
  rec[slot::kOpcode] = static_cast<int32_t>(opcode);
  rec[slot::kMasked] = static_cast<int32_t>(masked);
  rec[slot::kPayloadOffset] = 0;
  rec[slot::kPayloadLength] = 0;
  rec[slot::kError] = error;
  rec[slot::kEnd] = 0;
}

}  // namespace

size_t ScanFrames(uint8_t* buf, size_t length, size_t offset, int32_t* out, size_t max_frames,
                  const ScanParams& params) {
  const uint64_t max_payload =
      params.max_payload < kMaxScanPayload ? params.max_payload : kMaxScanPayload;
  size_t count = 0;
  size_t pos = offset;
  while (count < max_frames && pos < length) {
    int32_t* rec = out + count * kFrameSlots;
    const size_t avail = length - pos;
    const uint8_t* h = buf + pos;

    // Fast path: RSV 0 and opcode 0–2 (b0 & 0x7f < 3: FIN may be either),
    // MASK set with a 7-bit length (b1 in 0x80–0xFD), whole frame present.
    // Such a header can have none of the errors below except PayloadTooLarge,
    // which is checked here too; anything else takes the general path.
    if (avail >= 6) {
      const uint32_t b0 = h[0];
      const uint32_t len7 = static_cast<uint32_t>(h[1]) - 0x80u;
      if ((b0 & 0x7f) < 3 && len7 < 126 && len7 <= max_payload && avail - 6 >= len7) {
        const size_t payload_offset = pos + 6;
        if (len7 <= kInlineXorMax) {
          XorSmall(buf + payload_offset, len7, h + 2);
        } else {
          Unmask(buf + payload_offset, len7, h + 2, 0);
        }
        WriteRecord(rec, b0, payload_offset, len7);
        pos = payload_offset + len7;
        ++count;
        continue;
      }
    }

    // Byte 0: FIN, RSV, opcode.
    const uint32_t fin = h[0] >> 7;
    const uint32_t rsv = (h[0] >> 4) & 7;
    const uint32_t opcode = h[0] & 15;
    const bool control = opcode >= 8;
    const uint32_t allowed = (opcode == 1 || opcode == 2) ? (params.allowed_rsv & 7) : 0;
    int32_t error = scan_error::kNone;
    if (IsReservedOpcode(opcode)) {
      error = scan_error::kReservedOpcode;
    } else if ((rsv & ~allowed) != 0) {
      error = scan_error::kRsvNotAllowed;
    } else if (control && fin == 0) {
      error = scan_error::kControlFragmented;
    }
    if (error != scan_error::kNone) {
      WriteError(rec, fin, rsv, opcode, 0, error);
      return count + 1;
    }

    // Byte 1: MASK, 7-bit length.
    if (avail < 2) break;
    const uint32_t masked = h[1] >> 7;
    const uint32_t len7 = h[1] & 127;
    if (masked == 0) {
      error = scan_error::kUnmasked;
    } else if (control && len7 > kMaxControlPayload) {
      error = scan_error::kControlTooLong;
    }

    // Extended length.
    size_t header = 2;
    uint64_t payload_length = len7;
    if (error == scan_error::kNone) {
      if (len7 == 126) {
        if (avail < 4) break;
        payload_length = (static_cast<uint64_t>(h[2]) << 8) | h[3];
        header = 4;
      } else if (len7 == 127) {
        if (avail < 10) break;
        payload_length = 0;
        for (int i = 2; i < 10; ++i) payload_length = (payload_length << 8) | h[i];
        header = 10;
        if (payload_length >> 63) error = scan_error::kLengthTopBit;
      }
    }
    if (error == scan_error::kNone && payload_length > max_payload) {
      error = scan_error::kPayloadTooLarge;
    }
    if (error != scan_error::kNone) {
      WriteError(rec, fin, rsv, opcode, masked, error);
      return count + 1;
    }

    // Mask key, then the whole payload must be present.
    header += 4;
    if (avail < header || avail - header < payload_length) break;
    const size_t payload_offset = pos + header;
    const size_t plen = static_cast<size_t>(payload_length);
    if (plen <= kInlineXorMax) {
      XorSmall(buf + payload_offset, plen, h + header - 4);
    } else {
      Unmask(buf + payload_offset, plen, h + header - 4, 0);
    }
    WriteRecord(rec, h[0], payload_offset, plen);
    pos = payload_offset + plen;
    ++count;
  }
  return count;
}

}  // namespace pushgate
