// Numbers shared with the TypeScript side. Every value here mirrors
// src/native/types.ts (the contract); change both together.
#ifndef PUSHGATE_CONSTANTS_H
#define PUSHGATE_CONSTANTS_H

#include <cstdint>

namespace pushgate {

// types.ts: FRAME_SLOTS
constexpr int kFrameSlots = 8;

// types.ts: Slot
namespace slot {
constexpr int kFin = 0;
constexpr int kRsv = 1;
constexpr int kOpcode = 2;
constexpr int kMasked = 3;
constexpr int kPayloadOffset = 4;
constexpr int kPayloadLength = 5;
constexpr int kError = 6;
constexpr int kEnd = 7;
}  // namespace slot

// types.ts: ScanError (check order when several apply is the declaration order
// of the checks in frame_scan.cc, documented on ScanError in types.ts).
namespace scan_error {
constexpr int32_t kNone = 0;
constexpr int32_t kReservedOpcode = 1;
constexpr int32_t kRsvNotAllowed = 2;
constexpr int32_t kControlTooLong = 3;
constexpr int32_t kControlFragmented = 4;
constexpr int32_t kUnmasked = 5;
constexpr int32_t kLengthTopBit = 6;
constexpr int32_t kPayloadTooLarge = 7;
}  // namespace scan_error

// types.ts: MAX_SCAN_PAYLOAD
constexpr uint32_t kMaxScanPayload = 0x7fffffffu;

// types.ts: Utf8State
namespace utf8_state {
constexpr int32_t kAccept = 0;
constexpr int32_t kNeed1 = 1;
constexpr int32_t kNeed2 = 2;
constexpr int32_t kNeed3 = 3;
constexpr int32_t kAfterE0 = 4;
constexpr int32_t kAfterED = 5;
constexpr int32_t kAfterF0 = 6;
constexpr int32_t kAfterF4 = 7;
constexpr int32_t kReject = -1;
}  // namespace utf8_state

// RFC 6455 §5.5: control frames carry at most 125 payload bytes.
constexpr uint32_t kMaxControlPayload = 125;

}  // namespace pushgate

#endif  // PUSHGATE_CONSTANTS_H
