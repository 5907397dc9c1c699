// Streaming UTF-8 validation (Unicode 15, Table 3-7 well-formed sequences).
#ifndef PUSHGATE_UTF8_H
#define PUSHGATE_UTF8_H

#include <cstddef>
#include <cstdint>

namespace pushgate {

// Validates buf continuing from `state` (a utf8_state value, see constants.h).
// Returns 0 at a code-point boundary, 1–7 inside a code point, -1 once any byte
// makes the input invalid. A negative input state is returned unchanged; a state
// above 7 is treated as invalid (-1).
int32_t Utf8Step(const uint8_t* buf, size_t length, int32_t state);

}  // namespace pushgate

#endif  // PUSHGATE_UTF8_H
