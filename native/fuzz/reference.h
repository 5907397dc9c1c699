// Deliberately simple reference implementations, written from the rules
// (RFC 6455 §5.2-5.5, Unicode Table 3-7) and NOT from the optimised code in
// native/src: byte at a time, no tables, no words. The fuzzers and unit tests
// compare the optimised code against these.
#ifndef PUSHGATE_FUZZ_REFERENCE_H
#define PUSHGATE_FUZZ_REFERENCE_H

#include <cstddef>
#include <cstdint>

namespace reference {

// RFC 6455 §5.3: octet i of the payload is XORed with octet (i MOD 4) of the key.
inline uint32_t XorKey(const uint8_t* src, uint8_t* dst, size_t n, const uint8_t key[4],
                       uint32_t phase) {
  for (size_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(src[i] ^ key[(phase + i) % 4]);
  return static_cast<uint32_t>((phase + n) % 4);
}

// Unicode Table 3-7 (well-formed UTF-8): a lead byte fixes how many
// continuation bytes follow and the allowed range of the FIRST of them;
// later continuation bytes are always 80..BF.
struct Utf8Progress {
  int need = 0;     // continuation bytes still expected
  int lo = 0x80;    // allowed range of the next continuation byte
  int hi = 0xBF;
  bool bad = false;
};

inline Utf8Progress FromState(int32_t state) {
  Utf8Progress p;
  switch (state) {  // the contract's numbering (src/native/types.ts Utf8State)
    case 0: break;
    case 1: p.need = 1; break;
    case 2: p.need = 2; break;
    case 3: p.need = 3; break;
    case 4: p.need = 2; p.lo = 0xA0; break;  // after E0
    case 5: p.need = 2; p.hi = 0x9F; break;  // after ED
    case 6: p.need = 3; p.lo = 0x90; break;  // after F0
    case 7: p.need = 3; p.hi = 0x8F; break;  // after F4
    default: p.bad = true;
  }
  return p;
}

inline int32_t ToState(const Utf8Progress& p) {
  if (p.bad) return -1;
  if (p.need == 0) return 0;
  if (p.need == 1) return 1;
  if (p.need == 2) return p.lo == 0xA0 ? 4 : p.hi == 0x9F ? 5 : 2;
  return p.lo == 0x90 ? 6 : p.hi == 0x8F ? 7 : 3;
}

inline int32_t Utf8Step(const uint8_t* buf, size_t n, int32_t state) {
  if (state < 0) return state;
  Utf8Progress p = FromState(state);
  for (size_t i = 0; i < n && !p.bad; ++i) {
    const int b = buf[i];
    if (p.need > 0) {
      if (b < p.lo || b > p.hi) p.bad = true;
      p.need -= 1;
      p.lo = 0x80;
      p.hi = 0xBF;
    } else if (b <= 0x7F) {
      // one-byte code point
    } else if (b >= 0xC2 && b <= 0xDF) {
      p.need = 1;
    } else if (b == 0xE0) {
      p.need = 2; p.lo = 0xA0;
    } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
      p.need = 2;
    } else if (b == 0xED) {
      p.need = 2; p.hi = 0x9F;
    } else if (b == 0xF0) {
      p.need = 3; p.lo = 0x90;
    } else if (b >= 0xF1 && b <= 0xF3) {
      p.need = 3;
    } else if (b == 0xF4) {
      p.need = 3; p.hi = 0x8F;
    } else {
      p.bad = true;  // 80..BF with nothing open, C0, C1, F5..FF
    }
  }
  return ToState(p);
}

// One scanFrames record, same slot order as src/native/types.ts Slot.
struct Record {
  int32_t v[8];
};

// RFC 6455 §5.2 frame scanner. Each rule is asked in the contract's order; a
// rule whose bytes have not arrived yet makes the frame incomplete, a rule
// that is broken ends the scan with an error record.
inline size_t ScanFrames(uint8_t* buf, size_t len, size_t offset, Record* out, size_t max_frames,
                         uint32_t allowed_rsv, uint64_t max_payload) {
  if (max_payload > 0x7fffffffu) max_payload = 0x7fffffffu;
  size_t count = 0;
  size_t pos = offset;
  while (count < max_frames && pos < len) {
    const size_t have = len - pos;
    const uint8_t* f = buf + pos;
    const int fin = (f[0] & 0x80) ? 1 : 0;
    const int rsv = (f[0] >> 4) & 7;
    const int opcode = f[0] & 0x0F;
    const bool control = opcode >= 8;
    const bool reserved = (opcode >= 3 && opcode <= 7) || opcode >= 11;
    int masked = 0;
    int error = 0;

    // Rules that byte 0 alone decides.
    if (reserved) error = 1;
    else if ((opcode == 1 || opcode == 2) ? (rsv & ~static_cast<int>(allowed_rsv & 7)) != 0 : rsv != 0) error = 2;
    else if (control && !fin) error = 4;

    uint64_t length = 0;
    size_t header = 0;
    if (error == 0) {
      if (have < 2) return count;  // incomplete
      masked = (f[1] & 0x80) ? 1 : 0;
      const int len7 = f[1] & 0x7F;
      if (!masked) error = 5;
      else if (control && len7 > 125) error = 3;
      else if (len7 <= 125) {
        length = static_cast<uint64_t>(len7);
        header = 2;
      } else if (len7 == 126) {
        if (have < 4) return count;
        length = static_cast<uint64_t>(f[2]) * 256u + f[3];
        header = 4;
      } else {
        if (have < 10) return count;
        if (f[2] & 0x80) error = 6;
        for (int i = 0; i < 8; ++i) length = length * 256u + f[2 + i];
        header = 10;
      }
      if (error == 0 && length > max_payload) error = 7;
    }

    Record& r = out[count];
    r.v[0] = fin; r.v[1] = rsv; r.v[2] = opcode; r.v[3] = masked;
    r.v[4] = 0; r.v[5] = 0; r.v[6] = error; r.v[7] = 0;
    if (error != 0) return count + 1;

    // The 4-byte masking key follows the length, then the payload.
    if (have < header + 4 || have - header - 4 < length) return count;
    const uint8_t* key = f + header;
    uint8_t* payload = buf + pos + header + 4;
    for (uint64_t i = 0; i < length; ++i) payload[i] = static_cast<uint8_t>(payload[i] ^ key[i % 4]);
    r.v[4] = static_cast<int32_t>(pos + header + 4);
    r.v[5] = static_cast<int32_t>(length);
    r.v[7] = static_cast<int32_t>(pos + header + 4 + length);
    pos = pos + header + 4 + length;
    ++count;
  }
  return count;
}

}  // namespace reference

#endif  // PUSHGATE_FUZZ_REFERENCE_H
