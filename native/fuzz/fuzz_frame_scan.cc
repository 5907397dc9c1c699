// Differential fuzzer: pushgate::ScanFrames vs reference::ScanFrames (same
// count, same records, same bytes afterwards), plus Mask/Unmask vs a byte
// loop at random phases, offsets and piece sizes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "pushgate/constants.h"
#include "pushgate/frame_scan.h"
#include "pushgate/mask.h"
#include "reference.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "frame scan / mask mismatch: %s\n", what);
  std::abort();
}

constexpr uint64_t kMaxPayloadChoices[] = {0,     1,          5,          125,        126,
                                           65535, 65536,      0x7fffffff, 0x80000000, 1ull << 40,
                                           ~0ull};

void CheckScan(const uint8_t* data, size_t size) {
  if (size < 3) return;
  const uint32_t allowed_rsv = data[0] & 7;
  const size_t max_frames = (data[0] >> 3) & 15;  // 0..15
  const uint64_t max_payload =
      (data[1] & 0x80) ? kMaxPayloadChoices[(data[1] & 0x7f) % 11] : static_cast<uint64_t>(data[1]);
  const uint8_t* frames = data + 3;
  const size_t n = size - 3;
  const size_t offset = n == 0 ? 0 : data[2] % (n + 1) / ((data[2] & 1) ? 1 : 8);

  std::unique_ptr<uint8_t[]> mine(new uint8_t[n ? n : 1]);
  std::vector<uint8_t> theirs(frames, frames + n);
  if (n) std::memcpy(mine.get(), frames, n);
  std::vector<int32_t> out(max_frames * pushgate::kFrameSlots + 1, -7);  // +1: overrun canary
  std::vector<reference::Record> ref(max_frames + 1);

  pushgate::ScanParams params{allowed_rsv, max_payload};
  const size_t got = pushgate::ScanFrames(mine.get(), n, offset, out.data(), max_frames, params);
  const size_t want = reference::ScanFrames(theirs.data(), n, offset, ref.data(), max_frames, allowed_rsv, max_payload);
  if (got != want) Fail("record count");
  for (size_t i = 0; i < got; ++i)
    for (int s = 0; s < pushgate::kFrameSlots; ++s)
      if (out[i * pushgate::kFrameSlots + s] != ref[i].v[s]) Fail("record slot");
  for (size_t i = got * pushgate::kFrameSlots; i < out.size(); ++i)
    if (out[i] != -7) Fail("wrote past the returned records");
  if (n && std::memcmp(mine.get(), theirs.data(), n) != 0) Fail("buffer bytes after unmasking");
}

void CheckMask(const uint8_t* data, size_t size) {
  if (size < 7) return;
  const uint8_t key[4] = {data[0], data[1], data[2], data[3]};
  uint32_t phase = data[4];  // any value: only phase & 3 matters
  const size_t dst_offset = data[5] % 24;
  uint32_t seed = data[6];
  const uint8_t* payload = data + 7;
  const size_t n = size - 7;

  // Unmask in random pieces, carrying the phase.
  std::unique_ptr<uint8_t[]> buf(new uint8_t[n ? n : 1]);
  std::vector<uint8_t> want(n ? n : 1);
  if (n) std::memcpy(buf.get(), payload, n);
  const uint32_t want_phase = reference::XorKey(payload, want.data(), n, key, phase & 3);
  size_t at = 0;
  while (at < n) {
    seed = seed * 1664525u + 1013904223u;
    size_t len = 1 + (seed >> 8) % 67;
    if (len > n - at) len = n - at;
    // Each piece in its own exact-size allocation: unaligned starts, exact tails.
    std::unique_ptr<uint8_t[]> piece(new uint8_t[len]);
    std::memcpy(piece.get(), buf.get() + at, len);
    phase = pushgate::Unmask(piece.get(), len, key, phase);
    std::memcpy(buf.get() + at, piece.get(), len);
    at += len;
  }
  if ((phase & 3) != want_phase) Fail("unmask phase");
  if (n && std::memcmp(buf.get(), want.data(), n) != 0) Fail("unmask bytes");

  // Mask into a destination at an offset; bytes before it stay untouched.
  std::unique_ptr<uint8_t[]> dst(new uint8_t[dst_offset + n + 1]);
  std::memset(dst.get(), 0x5A, dst_offset + n + 1);
  pushgate::Mask(payload, key, dst.get() + dst_offset, n);
  reference::XorKey(payload, want.data(), n, key, 0);
  if (n && std::memcmp(dst.get() + dst_offset, want.data(), n) != 0) Fail("mask bytes");
  for (size_t i = 0; i < dst_offset; ++i)
    if (dst[i] != 0x5A) Fail("mask wrote before dstOffset");
  if (dst[dst_offset + n] != 0x5A) Fail("mask wrote past length");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckScan(data, size);
  CheckMask(data, size);
  return 0;
}
