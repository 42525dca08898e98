#!/usr/bin/env bash
# Installs what capplan needs on Debian 12, only what is missing (fast when all is there).
# Runs apt-get as root (or through sudo); npm installs the web UI's packages from its lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(cmake ninja-build g++ pkg-config nlohmann-json3-dev libcli11-dev libfmt-dev libgtest-dev libgmock-dev
              libbenchmark-dev libcpp-httplib-dev clang-format clang-tidy)
if [[ "${CAPPLAN_WITH_BROWSER:-0}" == 1 ]]; then APT_PACKAGES+=(chromium nodejs npm); fi
if [[ "${CAPPLAN_WITH_FUZZ:-0}" == 1 ]]; then APT_PACKAGES+=(clang libclang-rt-14-dev); fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from outside Debian's packages on a developer's machine: accept them if on PATH.
if [[ " ${missing[*]} " == *" nodejs "* ]] && command -v node >/dev/null; then missing=("${missing[@]/nodejs}"); fi
if [[ " ${missing[*]} " == *" npm "* ]] && command -v npm >/dev/null; then missing=("${missing[@]/npm}"); fi
read -r -a missing <<< "${missing[*]}"

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ -f web/package.json ]] && command -v npm >/dev/null; then
  if [[ ! -d web/node_modules ]] || [[ web/package-lock.json -nt web/node_modules/.package-lock.json ]]; then
    echo "setup: npm install in web/ (versions from web/package-lock.json)"
    # Not `npm ci`: npm 11 writes lock files without other platforms' optional packages (rollup's native
    # builds) and its own `npm ci` then rejects them as out of sync. `npm install --no-save` installs the
    # locked versions and never rewrites the lock.
    (cd web && npm install --no-save --no-audit --no-fund --loglevel=error)
  fi
fi
