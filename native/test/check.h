// Minimal assertion helpers for the C++ unit tests (no framework). A failed
// CHECK prints where and what, and the binary exits non-zero at the end.
#ifndef PUSHGATE_TEST_CHECK_H
#define PUSHGATE_TEST_CHECK_H

#include <cstdio>
#include <cstdlib>

namespace check {
inline int& Failures() {
  static int n = 0;
  return n;
}
inline int Finish(const char* name) {
  if (Failures() != 0) {
    std::fprintf(stderr, "%s: %d check(s) failed\n", name, Failures());
    return 1;
  }
  std::printf("%s: all checks passed\n", name);
  return 0;
}
}  // namespace check

// Stops after 20 failures so one broken loop does not flood the output.
#define CHECK(cond, ...)                                                        \
  do {                                                                          \
    if (!(cond)) {                                                              \
      std::fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                        \
      std::fprintf(stderr, "\n");                                               \
      if (++check::Failures() >= 20) std::exit(1);                              \
    }                                                                           \
  } while (0)

#endif  // PUSHGATE_TEST_CHECK_H
