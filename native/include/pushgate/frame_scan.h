// Client frame header scanner (RFC 6455 §5.2) with in-place unmasking.
#ifndef PUSHGATE_FRAME_SCAN_H
#define PUSHGATE_FRAME_SCAN_H

#include <cstddef>
#include <cstdint>

namespace pushgate {

struct ScanParams {
  // RSV bits (RSV1 = 4, RSV2 = 2, RSV3 = 1) allowed on opcodes 1 and 2.
  uint32_t allowed_rsv;
  // Largest payload accepted; values above kMaxScanPayload are clamped to it.
  uint64_t max_payload;
};

// Parses frames of buf[offset, length) into out, kFrameSlots int32 per record,
// at most max_frames records (the caller sizes out for that). Complete valid
// frames are unmasked in place; scanning stops at the first incomplete frame
// (not written) or the first error (written and counted). Returns the count.
// Offsets written to the slots are absolute indexes into buf, so length must
// not exceed INT32_MAX (the caller clamps).
size_t ScanFrames(uint8_t* buf, size_t length, size_t offset, int32_t* out,
                  size_t max_frames, const ScanParams& params);

}  // namespace pushgate

#endif  // PUSHGATE_FRAME_SCAN_H
