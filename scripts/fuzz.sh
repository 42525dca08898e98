#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) in build-fuzz/ and runs each one for a bounded time
# on a scratch copy of its seed corpus fuzz/corpus/<target>/ (the committed seeds are never modified).
#   scripts/fuzz.sh                 every target, CAPPLAN_FUZZ_SECONDS (default 30) each
#   scripts/fuzz.sh trace csv       only these targets
# A crash leaves its input in build-fuzz/artifacts/<target>/ and fails the script. Needs clang and
# libclang-rt-14-dev (scripts/setup.sh installs them when CAPPLAN_WITH_FUZZ=1).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${CAPPLAN_FUZZ_BUILD_DIR:-build-fuzz}
SECONDS_EACH=${CAPPLAN_FUZZ_SECONDS:-30}
ALL_TARGETS=(hf_config simple_mode trace csv calibration sweeps api http_frame)
[[ $# -gt 0 ]] && TARGETS=("$@") || TARGETS=("${ALL_TARGETS[@]}")

if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCAPPLAN_BUILD_TESTS=OFF -DCAPPLAN_BUILD_BENCH=OFF -DCAPPLAN_BUILD_FUZZ=ON \
    -DCAPPLAN_WERROR=OFF -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link $SAN" -DCMAKE_EXE_LINKER_FLAGS="$SAN" >/dev/null
fi
cmake --build "$BUILD_DIR" -j"$(nproc)" --target "${TARGETS[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in "${TARGETS[@]}"; do
  work="$BUILD_DIR/corpus/$t" artifacts="$BUILD_DIR/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  echo "fuzz: $t for ${SECONDS_EACH}s"
  # -rss_limit_mb and -timeout turn runaway memory or time on one input into a reported failure.
  if ! "$BUILD_DIR/fuzz_$t" "$work" "fuzz/corpus/$t" -max_total_time="$SECONDS_EACH" -max_len=65536 \
      -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/" \
      >"$BUILD_DIR/fuzz_$t.log" 2>&1; then
    echo "fuzz: $t FAILED; see $BUILD_DIR/fuzz_$t.log and $artifacts/"; tail -40 "$BUILD_DIR/fuzz_$t.log"; status=1
  fi
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+ +DONE" "$BUILD_DIR/fuzz_$t.log" | sed "s/^/fuzz: $t /" || true
done
exit $status
