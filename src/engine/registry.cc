// Which writer writes which engine's commands: the one place a new engine's launch_<engine>.cc is named (the switch
// has no default, so -Werror=switch fails the build when an Engine value has no writer).
#include "engine/writers.h"

namespace capplan::engine_detail {

const EngineWriter& WriterOf(Engine e) {
  static constexpr EngineWriter kVllm{.write = &WriteVllm, .disaggregate = &DisaggregateVllm};
  static constexpr EngineWriter kSglang{.write = &WriteSglang, .disaggregate = &DisaggregateSglang};
  static constexpr EngineWriter kTrtllm{.write = &WriteTrtllm, .disaggregate = &DisaggregateTrtllm};
  switch (e) {
    case Engine::kVllm:
      return kVllm;
    case Engine::kSglang:
      return kSglang;
    case Engine::kTrtllm:
      return kTrtllm;
  }
  return kVllm;
}

}  // namespace capplan::engine_detail
