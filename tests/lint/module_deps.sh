#!/usr/bin/env bash
# The module dependency order, checked on every #include: a module may include the public headers of the modules
# below it (and its own), never one above. The order is CMakeLists.txt's; this test fails naming the file, the line
# and the rule. (Linking alone does not catch an upward include of a header-only declaration.)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}

# Which module owns each public header in include/capplan/.
owner() {
  case "$1" in
    units.h|error.h|dtype.h|csv.h|embedded.h|step_time.h|work_budget.h) echo units ;;
    model.h) echo model ;;
    hardware.h) echo hardware ;;
    memory.h|deployment.h) echo memory ;;
    perf.h|collectives.h|speculative.h) echo perf ;;
    launch.h) echo engine ;;
    sim.h|disagg.h) echo sim ;;
    serve.h) echo serve ;;
    validate.h) echo validate ;;
    cost.h|fleet_cost.h) echo cost ;;
    search.h|fleet.h|cost_report.h) echo search ;;
    *) echo "?" ;;
  esac
}
# What each module may include (itself and everything below it).
allowed() {
  case "$1" in
    units) echo "units" ;;
    model) echo "units model" ;;
    hardware) echo "units hardware" ;;
    memory) echo "units model hardware memory" ;;
    engine) echo "units model hardware memory engine" ;;
    perf) echo "units model hardware memory perf" ;;
    sim) echo "units sim" ;;
    serve) echo "units model hardware memory perf sim serve" ;;
    validate) echo "units model hardware memory perf sim serve validate" ;;
    cost) echo "units hardware cost" ;;
    search) echo "units model hardware memory perf sim serve validate cost engine search" ;;
    *) echo "" ;;
  esac
}

fail=0
for dir in "$root"/src/*/; do
  module=$(basename "$dir")
  ok=$(allowed "$module")
  if [[ -z "$ok" ]]; then
    echo "src/$module: a module this check does not know: add it to tests/lint/module_deps.sh in its place"
    fail=1
    continue
  fi
  while IFS=: read -r file line text; do
    header=$(sed -E 's/.*"capplan\/([^"]+)".*/\1/' <<<"$text")
    own=$(owner "$header")
    if [[ "$own" == "?" ]]; then
      echo "${file#"$root"/}:$line: include/capplan/$header has no owning module in tests/lint/module_deps.sh"
      fail=1
    elif [[ " $ok " != *" $own "* ]]; then
      echo "${file#"$root"/}:$line: module '$module' includes capplan/$header of module '$own', which is above it"
      fail=1
    fi
  done < <(grep -Hn '#include "capplan/' "$dir"*.cc "$dir"*.h 2>/dev/null || true)
  # A module's own private headers stay private: no other module includes "<module>/x.h".
  while IFS=: read -r file line text; do
    other=$(sed -E 's/.*"([a-z_]+)\/[^"]+".*/\1/' <<<"$text")
    if [[ -d "$root/src/$other" && "$other" != "$module" && " $ok " != *" $other "* ]]; then
      echo "${file#"$root"/}:$line: module '$module' includes a private header of module '$other'"
      fail=1
    fi
  done < <(grep -HnE '#include "[a-z_]+/[^"]+\.h"' "$dir"*.cc "$dir"*.h 2>/dev/null | grep -v '"capplan/' || true)
done
if ((fail)); then exit 1; fi
echo "module_deps: every #include in src/ follows the module order"
