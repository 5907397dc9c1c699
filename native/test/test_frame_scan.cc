// ScanFrames: 7/16/64-bit lengths, back-to-back frames, maxFrames, offsets,
// every error code (and their precedence), early error detection before the
// payload arrives, and truncation at every byte. Inputs live in exact-size
// heap buffers so ASan catches any read past the end.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "check.h"
#include "pushgate/constants.h"
#include "pushgate/frame_scan.h"

namespace {

using Bytes = std::vector<uint8_t>;
namespace err = pushgate::scan_error;
constexpr int kSlots = pushgate::kFrameSlots;
const uint8_t kKey[4] = {0xA1, 0x02, 0xF3, 0x44};

enum class Len { k7, k16, k64 };

struct FrameSpec {
  int fin = 1;
  int rsv = 0;
  int opcode = 1;
  bool masked = true;
  Len len = Len::k7;
  Bytes payload;
};

// Encodes a client frame with the requested length encoding (not necessarily
// the minimal one: non-minimal lengths are accepted by the scanner).
Bytes Encode(const FrameSpec& f) {
  Bytes out;
  out.push_back(static_cast<uint8_t>((f.fin << 7) | (f.rsv << 4) | f.opcode));
  const uint64_t n = f.payload.size();
  const uint8_t m = f.masked ? 0x80 : 0;
  if (f.len == Len::k7) {
    out.push_back(static_cast<uint8_t>(m | n));
  } else if (f.len == Len::k16) {
    out.push_back(m | 126);
    out.push_back(static_cast<uint8_t>(n >> 8));
    out.push_back(static_cast<uint8_t>(n));
  } else {
    out.push_back(m | 127);
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  }
  if (f.masked) out.insert(out.end(), kKey, kKey + 4);
  for (size_t i = 0; i < f.payload.size(); ++i) out.push_back(f.masked ? f.payload[i] ^ kKey[i & 3] : f.payload[i]);
  return out;
}

Bytes Text(size_t n, uint8_t seed = 0) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>('a' + (i + seed) % 26);
  return b;
}

struct Result {
  size_t count;
  std::vector<int32_t> out;  // 16 records' worth, sentinel-filled
  Bytes buf;                 // the buffer after scanning
  const int32_t* Rec(size_t i) const { return out.data() + i * kSlots; }
};

Result Scan(const Bytes& input, size_t offset = 0, size_t max_frames = 16, uint32_t rsv = 0,
            uint64_t max_payload = pushgate::kMaxScanPayload) {
  std::unique_ptr<uint8_t[]> buf(new uint8_t[input.size() + (input.empty() ? 1 : 0)]);
  if (!input.empty()) std::memcpy(buf.get(), input.data(), input.size());
  Result r;
  r.out.assign(16 * kSlots, -99);
  pushgate::ScanParams params{rsv, max_payload};
  r.count = pushgate::ScanFrames(buf.get(), input.size(), offset, r.out.data(), max_frames, params);
  r.buf.assign(buf.get(), buf.get() + input.size());
  // Nothing beyond the returned records is written.
  for (size_t i = r.count * kSlots; i < r.out.size(); ++i)
    CHECK(r.out[i] == -99, "slot %zu beyond %zu records was written", i, r.count);
  return r;
}

void CheckRecord(const Result& r, size_t i, int fin, int rsv, int opcode, size_t payload_offset,
                 size_t payload_length, const std::string& what) {
  const int32_t* rec = r.Rec(i);
  CHECK(rec[0] == fin && rec[1] == rsv && rec[2] == opcode && rec[3] == 1, "%s: header slots %d %d %d %d", what.c_str(), rec[0], rec[1], rec[2], rec[3]);
  CHECK(rec[4] == static_cast<int32_t>(payload_offset), "%s: payload offset %d want %zu", what.c_str(), rec[4], payload_offset);
  CHECK(rec[5] == static_cast<int32_t>(payload_length), "%s: payload length %d want %zu", what.c_str(), rec[5], payload_length);
  CHECK(rec[6] == err::kNone, "%s: error %d", what.c_str(), rec[6]);
  CHECK(rec[7] == static_cast<int32_t>(payload_offset + payload_length), "%s: end %d", what.c_str(), rec[7]);
}

void CheckError(const Result& r, size_t i, int32_t code, int masked, const std::string& what) {
  CHECK(r.count == i + 1, "%s: count %zu want %zu", what.c_str(), r.count, i + 1);
  if (r.count != i + 1) return;
  const int32_t* rec = r.Rec(i);
  CHECK(rec[6] == code, "%s: error %d want %d", what.c_str(), rec[6], code);
  CHECK(rec[3] == masked, "%s: masked slot %d want %d", what.c_str(), rec[3], masked);
  CHECK(rec[4] == 0 && rec[5] == 0 && rec[7] == 0, "%s: offset/length/end must be 0 on errors", what.c_str());
}

void TestLengths() {
  const struct {
    size_t n;
    Len len;
    size_t header;
  } cases[] = {{0, Len::k7, 6},       {1, Len::k7, 6},       {125, Len::k7, 6},     {126, Len::k16, 8},
               {65535, Len::k16, 8},  {65536, Len::k64, 14}, {70000, Len::k64, 14}, {5, Len::k16, 8},
               {5, Len::k64, 14}};
  for (const auto& c : cases) {
    FrameSpec f;
    f.opcode = 2;
    f.len = c.len;
    f.payload = Text(c.n);
    const Bytes wire = Encode(f);
    const Result r = Scan(wire);
    const std::string what = "length " + std::to_string(c.n);
    CHECK(r.count == 1, "%s: count %zu", what.c_str(), r.count);
    CheckRecord(r, 0, 1, 0, 2, c.header, c.n, what);
    CHECK(Bytes(r.buf.begin() + c.header, r.buf.end()) == f.payload, "%s: payload not unmasked", what.c_str());
  }
}

// Three frames (fragment, ping, final fragment) back to back, at an offset.
Bytes BackToBack(std::vector<FrameSpec>* specs) {
  specs->clear();
  FrameSpec a;
  a.fin = 0;
  a.payload = Text(10, 1);
  FrameSpec ping;
  ping.opcode = 9;
  ping.payload = Text(3, 2);
  FrameSpec c;
  c.opcode = 0;
  c.len = Len::k16;
  c.payload = Text(300, 3);
  specs->push_back(a);
  specs->push_back(ping);
  specs->push_back(c);
  Bytes wire = {0xEE, 0xEE};  // bytes before `offset`, never touched
  for (const auto& s : *specs) {
    const Bytes e = Encode(s);
    wire.insert(wire.end(), e.begin(), e.end());
  }
  return wire;
}

void TestBackToBack() {
  std::vector<FrameSpec> specs;
  const Bytes wire = BackToBack(&specs);
  const Result r = Scan(wire, 2);
  CHECK(r.count == 3, "back to back: count %zu", r.count);
  CheckRecord(r, 0, 0, 0, 1, 8, 10, "fragment");
  CheckRecord(r, 1, 1, 0, 9, 24, 3, "ping");
  CheckRecord(r, 2, 1, 0, 0, 35, 300, "continuation");
  CHECK(r.buf[0] == 0xEE && r.buf[1] == 0xEE, "bytes before offset changed");
  for (size_t i = 0; i < 3; ++i) {
    const int32_t* rec = r.Rec(i);
    CHECK(Bytes(r.buf.begin() + rec[4], r.buf.begin() + rec[7]) == specs[i].payload, "frame %zu payload", i);
  }
  CHECK(static_cast<size_t>(r.Rec(2)[7]) == wire.size(), "last end is the buffer end");

  // maxFrames stops early and leaves the rest masked.
  const Result two = Scan(wire, 2, 2);
  CHECK(two.count == 2, "maxFrames 2: count %zu", two.count);
  CHECK(Bytes(two.buf.begin() + 35, two.buf.end()) == Bytes(wire.begin() + 35, wire.end()), "third frame unmasked past maxFrames");
  CHECK(Scan(wire, 2, 0).count == 0, "maxFrames 0");
  CHECK(Scan(wire, wire.size()).count == 0, "offset at the end");
  CHECK(Scan({}, 0).count == 0, "empty buffer");

  // Resuming at a record's End continues with the next frame.
  const Result rest = Scan(wire, static_cast<size_t>(two.Rec(1)[7]));
  CHECK(rest.count == 1 && rest.Rec(0)[5] == 300, "resume at End");

  // Truncation at every byte: only fully present frames are reported and
  // unmasked; the incomplete one is left exactly as it arrived.
  for (size_t cut = 2; cut <= wire.size(); ++cut) {
    const Bytes part(wire.begin(), wire.begin() + cut);
    const Result t = Scan(part, 2);
    const size_t want = cut >= wire.size() ? 3 : cut >= 27 ? 2 : cut >= 18 ? 1 : 0;  // frames end at 18, 27, 335
    CHECK(t.count == want, "cut at %zu: count %zu want %zu", cut, t.count, want);
    const size_t done = want == 0 ? 2 : static_cast<size_t>(t.Rec(want - 1)[7]);
    CHECK(Bytes(t.buf.begin() + done, t.buf.end()) == Bytes(part.begin() + done, part.end()), "cut at %zu: incomplete frame modified", cut);
  }
}

void TestErrors() {
  const Bytes key(kKey, kKey + 4);
  for (int op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
    CheckError(Scan({static_cast<uint8_t>(0x80 | op), 0x80, 1, 2, 3, 4}), 0, err::kReservedOpcode, 0, "reserved opcode " + std::to_string(op));
    // Reported from byte 0 alone.
    CheckError(Scan({static_cast<uint8_t>(0x80 | op)}), 0, err::kReservedOpcode, 0, "reserved opcode, 1 byte");
  }
  // RSV: allowed bits on text/binary only; never on continuation or control.
  CheckError(Scan({0xC1, 0x80, 1, 2, 3, 4}), 0, err::kRsvNotAllowed, 0, "RSV1 without extension");
  CheckError(Scan({0x91}), 0, err::kRsvNotAllowed, 0, "RSV3 on text, 1 byte");
  CHECK(Scan({0xC1, 0x80, 1, 2, 3, 4}, 0, 16, 4).count == 1 && Scan({0xC1, 0x80, 1, 2, 3, 4}, 0, 16, 4).Rec(0)[1] == 4, "RSV1 allowed on text");
  CHECK(Scan({0xC2, 0x80, 1, 2, 3, 4}, 0, 16, 4).Rec(0)[6] == err::kNone, "RSV1 allowed on binary");
  CheckError(Scan({0xE1, 0x80, 1, 2, 3, 4}, 0, 16, 4), 0, err::kRsvNotAllowed, 0, "RSV2 with only RSV1 allowed");
  CheckError(Scan({0xC0, 0x80, 1, 2, 3, 4}, 0, 16, 7), 0, err::kRsvNotAllowed, 0, "RSV1 on continuation");
  CheckError(Scan({0xC9, 0x80, 1, 2, 3, 4}, 0, 16, 7), 0, err::kRsvNotAllowed, 0, "RSV1 on ping");
  // Control frames.
  CheckError(Scan({0x09, 0x80, 1, 2, 3, 4}), 0, err::kControlFragmented, 0, "ping with FIN 0");
  CheckError(Scan({0x08}), 0, err::kControlFragmented, 0, "close with FIN 0, 1 byte");
  CheckError(Scan({0x89, 0xFE}), 0, err::kControlTooLong, 1, "ping with 16-bit length, 2 bytes");
  CheckError(Scan({0x8A, 0xFF}), 0, err::kControlTooLong, 1, "pong with 64-bit length");
  {
    FrameSpec f;
    f.opcode = 8;
    f.payload = Text(125);
    CHECK(Scan(Encode(f)).Rec(0)[6] == err::kNone, "close with 125 bytes is fine");
  }
  // Masking.
  CheckError(Scan({0x81, 0x02, 'h', 'i'}), 0, err::kUnmasked, 0, "unmasked text");
  CheckError(Scan({0x81, 0x7F}), 0, err::kUnmasked, 0, "unmasked, 2 bytes");
  // 64-bit length with the top bit set, before any payload.
  CheckError(Scan({0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0}), 0, err::kLengthTopBit, 1, "length top bit");
  CHECK(Scan({0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0}).count == 0, "length top bit needs all 8 length bytes");
  // Too large: against maxPayload and against 2^31 - 1.
  CheckError(Scan({0x82, 0x8B}, 0, 16, 0, 10), 0, err::kPayloadTooLarge, 1, "11 > maxPayload 10, 2 bytes");
  CHECK(Scan({0x82, 0x8A, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 16, 0, 10).Rec(0)[6] == err::kNone, "10 == maxPayload");
  CheckError(Scan({0x82, 0xFE, 0x01, 0x00}, 0, 16, 0, 255), 0, err::kPayloadTooLarge, 1, "16-bit 256 > 255");
  CheckError(Scan({0x82, 0xFF, 0, 0, 0, 0, 0x80, 0, 0, 0}), 0, err::kPayloadTooLarge, 1, "2^31 without a limit");
  CheckError(Scan({0x82, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}), 0, err::kPayloadTooLarge, 1, "2^63-1");
  CHECK(Scan({0x82, 0xFF, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4}).count == 0, "2^31-1 is allowed (incomplete)");
  CHECK(Scan({0x82, 0x85, 1, 2, 3, 4, 0, 0, 0, 0, 0}, 0, 16, 0, 1u << 31).Rec(0)[6] == err::kNone, "maxPayload above 2^31-1 is clamped");

  // Precedence: ReservedOpcode, RsvNotAllowed, ControlFragmented, Unmasked,
  // ControlTooLong, LengthTopBit, PayloadTooLarge.
  CheckError(Scan({0x73, 0x00}), 0, err::kReservedOpcode, 0, "reserved opcode beats RSV and FIN");
  CheckError(Scan({0x79, 0x7E}), 0, err::kRsvNotAllowed, 0, "RSV beats fragmented control");
  CheckError(Scan({0x09, 0x7E}), 0, err::kControlFragmented, 0, "fragmented control beats unmasked");
  CheckError(Scan({0x89, 0x7E}), 0, err::kUnmasked, 0, "unmasked beats control too long");
  CheckError(Scan({0x89, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0}), 0, err::kControlTooLong, 1, "control too long beats length top bit");
  CheckError(Scan({0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0}, 0, 16, 0, 5), 0, err::kLengthTopBit, 1, "length top bit beats too large");

  // An error after valid frames: earlier frames are reported and unmasked,
  // the error record is counted, nothing after it is looked at.
  FrameSpec ok;
  ok.payload = Text(4);
  Bytes wire = Encode(ok);
  const size_t first = wire.size();
  wire.insert(wire.end(), {0x83, 0x80, 1, 2, 3, 4});
  wire.insert(wire.end(), wire.begin(), wire.begin() + static_cast<long>(first));
  const Result r = Scan(wire);
  CheckError(r, 1, err::kReservedOpcode, 0, "error after a valid frame");
  CHECK(r.Rec(0)[6] == err::kNone && Bytes(r.buf.begin() + 6, r.buf.begin() + 10) == ok.payload, "frame before the error unmasked");
  CHECK(Bytes(r.buf.begin() + 16, r.buf.end()) == Bytes(wire.begin() + 16, wire.end()), "frame after the error untouched");
}

}  // namespace

int main() {
  TestLengths();
  TestBackToBack();
  TestErrors();
  return check::Finish("test_frame_scan");
}
