// One pass over a socket read: header checks in the order documented on
// ScanError in src/native/types.ts, each as soon as the bytes that reveal it
// are present, then in-place unmasking of every complete frame.
#include "pushgate/frame_scan.h"

#include "pushgate/constants.h"
#include "pushgate/mask.h"

namespace pushgate {
namespace {

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
    Unmask(buf + payload_offset, plen, h + header - 4, 0);

    rec[slot::kFin] = static_cast<int32_t>(fin);
    rec[slot::kRsv] = static_cast<int32_t>(rsv);
    rec[slot::kOpcode] = static_cast<int32_t>(opcode);
    rec[slot::kMasked] = 1;
    rec[slot::kPayloadOffset] = static_cast<int32_t>(payload_offset);
    rec[slot::kPayloadLength] = static_cast<int32_t>(plen);
    rec[slot::kError] = scan_error::kNone;
    rec[slot::kEnd] = static_cast<int32_t>(payload_offset + plen);
    pos = payload_offset + plen;
    ++count;
  }
  return count;
}

}  // namespace pushgate
