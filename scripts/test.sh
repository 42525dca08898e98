#!/usr/bin/env bash
# Every test: set up, build, run the unit/golden tests (CTest) and the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export CAPPLAN_WITH_BROWSER=1  # chromium, node and npm for the web planner's browser tests (tests/e2e)
bash scripts/setup.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
