#!/usr/bin/env bash
# The main job: set up, build, and size the default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
./build/capplan plan "$@"
