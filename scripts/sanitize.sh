#!/usr/bin/env bash
# Builds every test binary with AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/ (separate from build/)
# and runs CTest there. Any ASan report, leak or UBSan finding fails the run. Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${CAPPLAN_ASAN_BUILD_DIR:-build-asan}
SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  # Debug for symbols and assertions; -O1 keeps the simulator tests fast enough under the sanitizers.
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCAPPLAN_BUILD_BENCH=OFF -DCAPPLAN_BUILD_TESTS=ON \
    -DCAPPLAN_WERROR=OFF -DCMAKE_CXX_FLAGS="$SAN_FLAGS -O1" -DCMAKE_EXE_LINKER_FLAGS="$SAN_FLAGS" >/dev/null
fi
cmake --build "$BUILD_DIR" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" "$@"
