// Fixture for tests/lint/module_deps.sh: an upward include it must reject.
#include "capplan/search.h"
