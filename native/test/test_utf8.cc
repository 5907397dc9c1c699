// Utf8Step: each invalid form fails at its first bad byte, every split point of
// valid 2/3/4-byte sequences yields the documented state, boundary code points,
// the ASCII fast path around every block position, and exhaustive agreement
// with the reference for all 1-3 byte inputs that start with a lead byte.
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "../fuzz/reference.h"
#include "check.h"
#include "pushgate/constants.h"
#include "pushgate/utf8.h"

namespace {

using Bytes = std::vector<uint8_t>;
namespace st = pushgate::utf8_state;

// Runs Utf8Step over an exact-size heap copy so ASan catches over-reads.
int32_t Step(const Bytes& b, int32_t state = 0) {
  std::unique_ptr<uint8_t[]> buf(new uint8_t[b.size() + (b.empty() ? 1 : 0)]);
  if (!b.empty()) std::memcpy(buf.get(), b.data(), b.size());
  return pushgate::Utf8Step(buf.get(), b.size(), state);
}

Bytes Encode(uint32_t cp) {
  if (cp < 0x80) return {static_cast<uint8_t>(cp)};
  if (cp < 0x800) return {static_cast<uint8_t>(0xC0 | (cp >> 6)), static_cast<uint8_t>(0x80 | (cp & 0x3F))};
  if (cp < 0x10000)
    return {static_cast<uint8_t>(0xE0 | (cp >> 12)), static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F)),
            static_cast<uint8_t>(0x80 | (cp & 0x3F))};
  return {static_cast<uint8_t>(0xF0 | (cp >> 18)), static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3F)),
          static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F)), static_cast<uint8_t>(0x80 | (cp & 0x3F))};
}

Bytes Slice(const Bytes& b, size_t from, size_t to) { return Bytes(b.begin() + from, b.begin() + to); }

// The state expected after a proper prefix of a valid sequence: determined by
// how many bytes are missing and, right after E0/ED/F0/F4, by the lead.
int32_t PrefixState(const Bytes& seq, size_t k) {
  if (k == 0 || k == seq.size()) return st::kAccept;
  const size_t missing = seq.size() - k;
  if (k == 1) {
    if (seq[0] == 0xE0) return st::kAfterE0;
    if (seq[0] == 0xED) return st::kAfterED;
    if (seq[0] == 0xF0) return st::kAfterF0;
    if (seq[0] == 0xF4) return st::kAfterF4;
  }
  return static_cast<int32_t>(missing);  // Need1..Need3
}

void CheckValidSplits(uint32_t cp) {
  const Bytes seq = Encode(cp);
  CHECK(Step(seq) == 0, "U+%04X whole", cp);
  for (size_t k = 0; k <= seq.size(); ++k) {
    const int32_t mid = Step(Slice(seq, 0, k));
    CHECK(mid == PrefixState(seq, k), "U+%04X prefix %zu: state %d, want %d", cp, k, mid, PrefixState(seq, k));
    CHECK(Step(Slice(seq, k, seq.size()), mid) == 0, "U+%04X split at %zu does not finish at 0", cp, k);
    for (size_t j = k; j <= seq.size(); ++j) {  // three chunks
      const int32_t s2 = Step(Slice(seq, k, j), mid);
      CHECK(Step(Slice(seq, j, seq.size()), s2) == 0, "U+%04X split at %zu,%zu", cp, k, j);
    }
  }
  // Embedded in ASCII at every offset across a 16-byte block boundary.
  for (size_t pre = 0; pre < 40; ++pre) {
    Bytes text(pre, 'a');
    text.insert(text.end(), seq.begin(), seq.end());
    text.insert(text.end(), 19, 'z');
    CHECK(Step(text) == 0, "U+%04X after %zu ASCII bytes", cp, pre);
  }
}

// `bad` is invalid and its last byte is the first one that makes it so: every
// proper prefix is still valid, the whole thing is -1, whatever follows.
void CheckInvalid(const Bytes& bad, const char* what) {
  for (size_t k = 0; k < bad.size(); ++k) CHECK(Step(Slice(bad, 0, k)) >= 0, "%s: prefix %zu already rejected", what, k);
  CHECK(Step(bad) == st::kReject, "%s not rejected", what);
  Bytes more = bad;
  more.insert(more.end(), {0x80, 0x41, 0x42});
  CHECK(Step(more) == st::kReject, "%s + tail not rejected", what);
  // Byte-at-a-time streaming fails at the same byte.
  int32_t s = 0;
  for (size_t k = 0; k < bad.size(); ++k) {
    s = Step(Slice(bad, k, k + 1), s);
    CHECK((k + 1 < bad.size()) ? s >= 0 : s == st::kReject, "%s streamed: byte %zu state %d", what, k, s);
  }
  // After a run of ASCII that spans the fast path, at every position.
  for (size_t pre = 0; pre < 40; ++pre) {
    Bytes text(pre, 'x');
    text.insert(text.end(), bad.begin(), bad.end());
    CHECK(Step(text) == st::kReject, "%s after %zu ASCII bytes", what, pre);
    text.insert(text.end(), 33, 'y');
    CHECK(Step(text) == st::kReject, "%s inside ASCII at %zu", what, pre);
  }
}

}  // namespace

int main() {
  CHECK(Step({}) == 0, "empty");
  CHECK(Step({}, 3) == 3, "empty keeps state");
  for (int32_t s = 0; s <= 7; ++s) CHECK(Step({}, s) == s, "empty keeps state %d", s);
  CHECK(Step(Bytes(100, 'a')) == 0, "ASCII");
  CHECK(Step({0x00, 0x7F}) == 0, "NUL and DEL");

  const uint32_t valid[] = {0x00,   0x41,   0x7F,    0x80,    0xE9,    0x7FF,   0x800,   0x20AC,
                            0xD7FF, 0xE000, 0xFFFD,  0xFFFE,  0xFFFF,  0x10000, 0x1D11E, 0x3FFFF,
                            0x40000, 0xFFFFF, 0x100000, 0x10FFFF};
  for (uint32_t cp : valid) CheckValidSplits(cp);
  // Every lead byte's first and last valid second byte, as code points.
  const uint32_t edges[] = {0xC2 << 0, 0x1000, 0xCFFF, 0xD000, 0xF000, 0x40000 - 1, 0xFFFFF + 1};
  for (uint32_t cp : edges) CheckValidSplits(cp);

  CheckInvalid({0xC0}, "C0 lead");
  CheckInvalid({0xC1}, "C1 lead");
  CheckInvalid({0xE0, 0x80}, "E0 80 overlong");
  CheckInvalid({0xE0, 0x9F}, "E0 9F overlong");
  CheckInvalid({0xF0, 0x80}, "F0 80 overlong");
  CheckInvalid({0xF0, 0x8F}, "F0 8F overlong");
  CheckInvalid({0xED, 0xA0}, "ED A0 surrogate");
  CheckInvalid({0xED, 0xBF}, "ED BF surrogate");
  CheckInvalid({0xF4, 0x90}, "F4 90 above U+10FFFF");
  CheckInvalid({0xF4, 0xBF}, "F4 BF above U+10FFFF");
  for (int b = 0xF5; b <= 0xFF; ++b) CheckInvalid({static_cast<uint8_t>(b)}, "F5-FF lead");
  for (int b = 0x80; b <= 0xBF; ++b) CheckInvalid({static_cast<uint8_t>(b)}, "stray continuation");
  CheckInvalid({0xC3, 0xA9, 0xA9}, "continuation after a complete 2-byte sequence");
  CheckInvalid({0xC3, 0x41}, "2-byte truncated by ASCII");
  CheckInvalid({0xE2, 0x82, 0x41}, "3-byte truncated by ASCII");
  CheckInvalid({0xF0, 0x9F, 0x98, 0xE2}, "4-byte truncated by a lead byte");
  CheckInvalid({0xE2, 0xC3}, "3-byte truncated by a lead byte");
  CheckInvalid({0xF1, 0x80, 0x80, 0xC0}, "4-byte truncated by C0");

  // A rejected state stays rejected; unknown positive states are rejected.
  CHECK(Step({0x41}, -1) == -1, "negative state is returned unchanged");
  CHECK(Step({0x41}, -7) == -7, "any negative state is returned unchanged");
  CHECK(Step({0x41}, 8) == -1, "state 8 is invalid");
  CHECK(Step({}, 1000) == -1, "state 1000 is invalid");

  // Exhaustive: every 1- and 2-byte input, and every 3-byte input starting
  // with C0-FF, streamed byte by byte, agrees with the reference at each step.
  for (unsigned a = 0; a < 256; ++a) {
    const uint8_t one[1] = {static_cast<uint8_t>(a)};
    const int32_t s1 = pushgate::Utf8Step(one, 1, 0);
    CHECK(s1 == reference::Utf8Step(one, 1, 0), "byte %02X", a);
    for (unsigned b = 0; b < 256; ++b) {
      const uint8_t two[2] = {static_cast<uint8_t>(a), static_cast<uint8_t>(b)};
      const int32_t s2 = pushgate::Utf8Step(two + 1, 1, s1);
      CHECK(s2 == reference::Utf8Step(two, 2, 0), "bytes %02X %02X: %d", a, b, s2);
      CHECK(pushgate::Utf8Step(two, 2, 0) == s2, "bytes %02X %02X whole vs streamed", a, b);
      if (a < 0xC0) continue;
      for (unsigned c = 0; c < 256; ++c) {
        const uint8_t three[3] = {static_cast<uint8_t>(a), static_cast<uint8_t>(b), static_cast<uint8_t>(c)};
        const int32_t s3 = pushgate::Utf8Step(three + 2, 1, s2);
        CHECK(s3 == reference::Utf8Step(three, 3, 0), "bytes %02X %02X %02X: %d", a, b, c, s3);
      }
    }
  }
  // Bulk (SIMD) path: every 2-byte pair and every 3-/4-byte candidate with a
  // lead of C0-FF, placed across a 16-byte block boundary, right before the
  // bulk end, and cut off by it, inside inputs long enough for the bulk path.
  // Each must agree with the reference, whole and streamed in two chunks.
  {
    // 80 bytes: the SSSE3 bulk covers all 5 blocks, the AVX2 bulk the first
    // 64 bytes (two 32-byte blocks, each of two 128-bit lanes), the DFA the rest.
    const size_t kLen = 80;
    Bytes text(kLen, 'a');
    std::unique_ptr<uint8_t[]> buf(new uint8_t[kLen]);
    auto agree = [&](const Bytes& t, const char* what, unsigned a, unsigned b, unsigned c) {
      std::memcpy(buf.get(), t.data(), kLen);
      const int32_t want = reference::Utf8Step(t.data(), kLen, 0);
      const int32_t got = pushgate::Utf8Step(buf.get(), kLen, 0);
      CHECK(got == want, "%s %02X %02X %02X: %d want %d", what, a, b, c, got, want);
    };
    const size_t places[] = {14, 15, 16, 31, 46, 47, 48, 61, 62, 63, 76, 77, 78, 79};
    for (size_t at : places) {
      for (unsigned a = 0x80; a < 256; ++a) {
        for (unsigned b = 0; b < 256; ++b) {
          Bytes t = text;
          t[at] = static_cast<uint8_t>(a);
          if (at + 1 < kLen) t[at + 1] = static_cast<uint8_t>(b);
          agree(t, "pair", a, b, 0);
          if (a < 0xE0 || at + 2 >= kLen) continue;
          for (unsigned c : {0x41u, 0x7Fu, 0x80u, 0x8Fu, 0x90u, 0x9Fu, 0xA0u, 0xBFu, 0xC0u, 0xE0u, 0xF0u}) {
            t[at + 2] = static_cast<uint8_t>(c);
            agree(t, "triple", a, b, c);
            if (a >= 0xF0 && at + 3 < kLen) {
              t[at + 3] = 0x80;
              agree(t, "quad+80", a, b, c);
              t[at + 3] = 0x41;
              agree(t, "quad+41", a, b, c);
              t[at + 3] = 'a';
            }
          }
        }
      }
    }
    // Long valid multi-byte text in every chunking boundary around the bulk.
    Bytes mixed;
    for (int r = 0; r < 20; ++r)
      for (uint32_t cp : {0x41u, 0xE9u, 0x20ACu, 0x1F600u, 0x65E5u, 0x10FFFFu, 0x7FFu}) {
        const Bytes e = Encode(cp);
        mixed.insert(mixed.end(), e.begin(), e.end());
      }
    CHECK(Step(mixed) == 0, "long mixed text");
    for (size_t cut = 0; cut <= mixed.size(); ++cut) {
      const int32_t mid = Step(Slice(mixed, 0, cut));
      CHECK(mid == reference::Utf8Step(mixed.data(), cut, 0), "mixed prefix %zu", cut);
      CHECK(Step(Slice(mixed, cut, mixed.size()), mid) == 0, "mixed split at %zu", cut);
    }
  }
  return check::Finish("test_utf8");
}
