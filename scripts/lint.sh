#!/usr/bin/env bash
# Formatting and lint, as CI checks them: clang-format (the committed .clang-format) on every C++ file, and
# clang-tidy (the committed .clang-tidy, every finding an error) on every library, tool, benchmark and fuzzer
# source. clang-tidy reads the build's compile commands ($CAPPLAN_BUILD_DIR/compile_commands.json, exported by
# CMakeLists.txt); the fuzzers, built only by scripts/fuzz.sh, get their include paths here. One clang-tidy per
# file (clang-tidy 14 can crash on a batch of files), $(nproc) at a time: ~8 s CPU a file, ~8 minutes on 2 cores.
# CAPPLAN_LINT_TIDY=0 skips clang-tidy (formatting only) for a quick local check; CI runs both.
# Exits non-zero naming each file that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${CAPPLAN_BUILD_DIR:-build}
mapfile -t files < <(git ls-files '*.cc' '*.h' | grep -v '^tests/lint/fixture')
echo "lint: clang-format on ${#files[@]} files"
clang-format --dry-run --Werror "${files[@]}"
if [[ "${CAPPLAN_LINT_TIDY:-1}" == 1 ]]; then
  TIDY=$(command -v clang-tidy-14 || command -v clang-tidy) || { echo "lint: clang-tidy missing (scripts/setup.sh installs it)"; exit 2; }
  [[ -f "$BUILD_DIR/compile_commands.json" ]] || { echo "lint: $BUILD_DIR/compile_commands.json missing: build first"; exit 2; }
  mapfile -t sources < <(git ls-files 'src/*.cc' 'tools/*.cc' 'bench/*.cc' | grep -v '_test\.cc$')
  mapfile -t fuzzers < <(git ls-files 'fuzz/*.cc')
  echo "lint: clang-tidy on $((${#sources[@]} + ${#fuzzers[@]})) files"
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  status=0
  # Each file's findings and its name when it fails; `|| exit 1` keeps xargs going past a failing (or crashing) file.
  printf '%s\n' "${sources[@]}" | xargs -P "$(nproc)" -I{} sh -c \
    '"$0" -p "$1" --quiet --warnings-as-errors="*" "$2" 2>/dev/null || { echo "lint: clang-tidy fails on $2"; exit 1; }' \
    "$TIDY" "$BUILD_DIR" {} >"$log" || status=1
  printf '%s\n' "${fuzzers[@]}" | xargs -P "$(nproc)" -I{} sh -c \
    '"$0" --quiet --warnings-as-errors="*" "$1" -- -std=c++20 -DNDEBUG -Iinclude -Itools/json -Itools/server 2>/dev/null || { echo "lint: clang-tidy fails on $1"; exit 1; }' \
    "$TIDY" {} >>"$log" || status=1
  cat "$log"
  ((status == 0)) || { echo "lint: clang-tidy findings (above)"; exit 1; }
fi
echo "lint: clean"
