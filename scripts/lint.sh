#!/usr/bin/env bash
# Formatting and lint, as CI checks them: clang-format (the committed .clang-format) on every C++ file, and
# clang-tidy (the committed .clang-tidy) on every library and tool source with the build's compile commands.
# CAPPLAN_LINT_TIDY=1 adds clang-tidy (not yet clean: CI runs formatting only). Exits non-zero naming each file that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${CAPPLAN_BUILD_DIR:-build}
mapfile -t files < <(git ls-files '*.cc' '*.h' | grep -v '^tests/lint/fixture')
echo "lint: clang-format on ${#files[@]} files"
clang-format --dry-run --Werror "${files[@]}"
if [[ "${CAPPLAN_LINT_TIDY:-0}" == 1 ]]; then
  [[ -f "$BUILD_DIR/compile_commands.json" ]] || { echo "lint: $BUILD_DIR/compile_commands.json missing: build first"; exit 2; }
  mapfile -t sources < <(git ls-files 'src/*.cc' 'tools/*.cc' | grep -v '_test\.cc$')
  echo "lint: clang-tidy on ${#sources[@]} files"
  printf '%s\n' "${sources[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$BUILD_DIR" --quiet --warnings-as-errors='*' 2>/dev/null
fi
echo "lint: clean"
