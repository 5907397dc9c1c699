// Mask/Unmask against a byte loop at every phase, alignment and length 0-70,
// plus large sizes, in-place masking and piecewise unmasking. Buffers are
// heap-allocated at their exact size so ASan reports any access past a tail.
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "../fuzz/reference.h"
#include "check.h"
#include "pushgate/mask.h"

namespace {

uint32_t rng_state = 12345;
uint8_t NextByte() {
  rng_state = rng_state * 1103515245u + 12345u;
  return static_cast<uint8_t>(rng_state >> 16);
}

std::vector<uint8_t> RandomBytes(size_t n) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = NextByte();
  return v;
}

const uint8_t kKey[4] = {0x37, 0xfa, 0x21, 0x3d};

// memcpy/memcmp with a null pointer is UB even for 0 bytes (and an empty
// vector's data() may be null), so zero sizes are skipped.
void Copy(uint8_t* dst, const uint8_t* src, size_t n) {
  if (n != 0) std::memcpy(dst, src, n);
}
bool Same(const uint8_t* a, const uint8_t* b, size_t n) { return n == 0 || std::memcmp(a, b, n) == 0; }

// Unmask len bytes placed `lead` bytes into an exact-size allocation: covers
// every alignment of the start pointer and checks the lead bytes are untouched.
void CheckUnmask(size_t lead, size_t len, uint32_t phase) {
  const std::vector<uint8_t> data = RandomBytes(lead + len);
  std::unique_ptr<uint8_t[]> buf(new uint8_t[lead + len]);
  Copy(buf.get(), data.data(), lead + len);
  std::vector<uint8_t> want(len);
  const uint32_t want_phase = reference::XorKey(data.data() + lead, want.data(), len, kKey, phase);
  const uint32_t got_phase = pushgate::Unmask(buf.get() + lead, len, kKey, phase);
  CHECK(got_phase == want_phase, "unmask lead=%zu len=%zu phase=%u: phase %u != %u", lead, len, phase, got_phase, want_phase);
  CHECK(Same(buf.get() + lead, want.data(), len), "unmask lead=%zu len=%zu phase=%u: bytes differ", lead, len, phase);
  CHECK(Same(buf.get(), data.data(), lead), "unmask lead=%zu len=%zu: wrote before the start", lead, len);
}

void CheckMask(size_t src_lead, size_t dst_lead, size_t len) {
  const std::vector<uint8_t> src_data = RandomBytes(src_lead + len);
  const std::vector<uint8_t> dst_data = RandomBytes(dst_lead + len);
  std::unique_ptr<uint8_t[]> src(new uint8_t[src_lead + len]);
  std::unique_ptr<uint8_t[]> dst(new uint8_t[dst_lead + len]);
  Copy(src.get(), src_data.data(), src_lead + len);
  Copy(dst.get(), dst_data.data(), dst_lead + len);
  std::vector<uint8_t> want(len);
  reference::XorKey(src_data.data() + src_lead, want.data(), len, kKey, 0);
  pushgate::Mask(src.get() + src_lead, kKey, dst.get() + dst_lead, len);
  CHECK(Same(dst.get() + dst_lead, want.data(), len), "mask src_lead=%zu dst_lead=%zu len=%zu: bytes differ", src_lead, dst_lead, len);
  CHECK(Same(dst.get(), dst_data.data(), dst_lead), "mask dst_lead=%zu len=%zu: wrote before dst", dst_lead, len);
  CHECK(Same(src.get(), src_data.data(), src_lead + len), "mask changed its source");
}

void CheckMaskInPlace(size_t len) {
  const std::vector<uint8_t> data = RandomBytes(len);
  std::unique_ptr<uint8_t[]> buf(new uint8_t[len]);
  Copy(buf.get(), data.data(), len);
  std::vector<uint8_t> want(len);
  reference::XorKey(data.data(), want.data(), len, kKey, 0);
  pushgate::Mask(buf.get(), kKey, buf.get(), len);
  CHECK(Same(buf.get(), want.data(), len), "in-place mask len=%zu differs", len);
}

// A payload unmasked in random pieces, carrying the phase, equals one call.
void CheckPiecewise(size_t len) {
  const std::vector<uint8_t> data = RandomBytes(len);
  std::vector<uint8_t> whole = data;
  pushgate::Unmask(whole.data(), len, kKey, 0);
  std::vector<uint8_t> pieces = data;
  uint32_t phase = 0;
  size_t at = 0;
  while (at < len) {
    size_t n = 1 + NextByte() % 37;
    if (n > len - at) n = len - at;
    phase = pushgate::Unmask(pieces.data() + at, n, kKey, phase);
    at += n;
  }
  CHECK(pieces == whole, "piecewise unmask of %zu bytes differs", len);
  CHECK(phase == (len & 3), "piecewise phase %u for %zu bytes", phase, len);
}

}  // namespace

int main() {
  for (uint32_t phase = 0; phase < 8; ++phase)  // 4-7 check the phase is taken & 3
    for (size_t lead = 0; lead < 16; ++lead)
      for (size_t len = 0; len <= 70; ++len) CheckUnmask(lead, len, phase);
  for (size_t src_lead = 0; src_lead < 16; src_lead += 3)
    for (size_t dst_lead = 0; dst_lead < 16; ++dst_lead)
      for (size_t len = 0; len <= 70; ++len) CheckMask(src_lead, dst_lead, len);
  const size_t large[] = {127, 1000, 1024, 4099, 65536, 65541, (1u << 20) + 7};
  for (size_t len : large) {
    for (uint32_t phase = 0; phase < 4; ++phase) CheckUnmask(phase * 5 % 16, len, phase);
    CheckMask(3, 11, len);
    CheckMaskInPlace(len);
    CheckPiecewise(len);
  }
  for (size_t len = 0; len <= 70; ++len) {
    CheckMaskInPlace(len);
    CheckPiecewise(len);
  }
  // A zero-length call touches nothing, even through a null pointer.
  CHECK(pushgate::Unmask(nullptr, 0, kKey, 3) == 3, "empty unmask keeps the phase");
  pushgate::Mask(nullptr, kKey, nullptr, 0);
  return check::Finish("test_mask");
}
