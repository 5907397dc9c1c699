#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan) and runs each one for a
# bounded time. Exits non-zero as soon as a harness reports a finding; the
# crashing input is left in $OUT/crash-*.
#   native/fuzz/run.sh [seconds-per-harness]      (default 30)
# Environment:
#   PUSHGATE_FUZZ_RUNS=N   run N inputs per harness instead of a time budget
#   PUSHGATE_FUZZ_OUT=DIR  build and corpus directory (default native/fuzz/out)
#   CLANGXX=...            compiler (default: clang++, else clang++-14)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
native="$(dirname "$here")"
seconds="${1:-30}"
out="${PUSHGATE_FUZZ_OUT:-$here/out}"
cxx="${CLANGXX:-}"
if [[ -z "$cxx" ]]; then
  for candidate in clang++ clang++-14; do
    if command -v "$candidate" >/dev/null 2>&1; then cxx="$candidate"; break; fi
  done
fi
if [[ -z "$cxx" ]]; then
  echo "fuzz: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "fuzz: seconds must be a whole number, got '$seconds'" >&2
  exit 2
fi

mkdir -p "$out"
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -Wall -Wextra -Werror -I"$native/include" -I"$here")
core=("$native/src/mask.cc" "$native/src/utf8.cc" "$native/src/utf8_simd.cc" "$native/src/frame_scan.cc")

for harness in fuzz_frame_scan fuzz_utf8; do
  echo "fuzz: building $harness"
  "$cxx" "${flags[@]}" "$here/$harness.cc" "${core[@]}" -o "$out/$harness"
done

for harness in fuzz_frame_scan fuzz_utf8; do
  corpus="$out/corpus_$harness"
  mkdir -p "$corpus"
  if [[ -n "${PUSHGATE_FUZZ_RUNS:-}" ]]; then
    budget=(-runs="$PUSHGATE_FUZZ_RUNS")
    echo "fuzz: $harness for $PUSHGATE_FUZZ_RUNS runs"
  else
    budget=(-max_total_time="$seconds")
    echo "fuzz: $harness for ${seconds}s"
  fi
  # -seed fixed only for run counts, so short CI runs are reproducible.
  seed=()
  [[ -n "${PUSHGATE_FUZZ_RUNS:-}" ]] && seed=(-seed=1)
  (cd "$out" && "./$harness" "${budget[@]}" "${seed[@]}" -max_len=4096 -print_final_stats=1 "$corpus")
done
echo "fuzz: no findings"
