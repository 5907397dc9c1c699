// Differential fuzzer: pushgate::Utf8Step vs reference::Utf8Step, fed whole
// and in chunk sizes taken from the input itself, comparing the state after
// every chunk (so "fails at the first bad byte" is checked at each boundary).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "pushgate/utf8.h"
#include "reference.h"

namespace {

void Fail(const char* what, size_t at, int32_t got, int32_t want) {
  std::fprintf(stderr, "utf8 mismatch (%s) at byte %zu: optimised %d, reference %d\n", what, at, got, want);
  std::abort();
}

// Exact-size copy so ASan sees any read past the chunk.
int32_t StepExact(const uint8_t* data, size_t n, int32_t state) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[n ? n : 1]);
  if (n) std::memcpy(copy.get(), data, n);
  return pushgate::Utf8Step(copy.get(), n, state);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // Byte 0 picks the chunking: 0 = whole input, else a seed for chunk sizes.
  const uint8_t chunking = data[0];
  const uint8_t* text = data + 1;
  const size_t n = size - 1;

  const int32_t whole = StepExact(text, n, 0);
  const int32_t want_whole = reference::Utf8Step(text, n, 0);
  if (whole != want_whole) Fail("whole", n, whole, want_whole);

  uint32_t seed = chunking;
  int32_t got = 0, want = 0;
  size_t at = 0;
  while (at < n) {
    seed = seed * 1664525u + 1013904223u;
    // Mostly small chunks (to hit every split of a code point), sometimes big.
    size_t len = (seed >> 28) < 12 ? 1 + (seed >> 8) % 5 : 1 + (seed >> 8) % 64;
    if (len > n - at) len = n - at;
    got = StepExact(text + at, len, got);
    want = reference::Utf8Step(text + at, len, want);
    at += len;
    if (got != want) Fail("chunked", at, got, want);
  }
  if (got != whole) Fail("chunked vs whole", n, got, whole);

  // Starting from every mid-code-point state must agree too.
  for (int32_t s = 1; s <= 7; ++s) {
    const int32_t g = StepExact(text, n, s);
    const int32_t w = reference::Utf8Step(text, n, s);
    if (g != w) Fail("initial state", static_cast<size_t>(s), g, w);
  }
  return 0;
}
