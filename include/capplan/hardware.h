// The GPU catalog: specs as data (data/hardware/gpus.json, from shared/catalog/gpus.csv with its
// sources), short ids with aliases, user overrides from a JSON file.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capplan/dtype.h"
#include "capplan/error.h"
#include "capplan/units.h"

namespace capplan {

struct GpuSpec {
  std::string id;                    // "h100-sxm"
  std::string name;                  // "NVIDIA H100 SXM5 80GB"
  std::string vendor;                // "NVIDIA"
  std::vector<std::string> aliases;  // "h100", "h100-80gb", ...
  Bytes memory_marketed;             // 80 GB (decimal, as sold)
  Bytes memory_usable;               // what the driver exposes: H100 81,559 MiB; H200 143,771 MiB
  std::string memory_usable_source;
  BytesPerSec hbm_bandwidth;  // peak
  /// Dense peak tensor throughput per compute class; a missing class falls back as
  /// PeakFlops() documents.
  std::map<ComputeClass, FlopsPerSec> dense_peak;
  std::string interconnect;        // "NVLink 4 (18 links)"
  BytesPerSec scale_up_bandwidth;  // per GPU per direction; 0 when PCIe only
  int pcie_gen = 0;
  BytesPerSec pcie_bandwidth;  // per direction, from the generation (x16)
  int gpus_per_node = 8;
  /// GPUs one NVLink fabric joins (8 on HGX, 72 on GB200/GB300 NVL72); 0 = gpus_per_node.
  int scale_up_domain = 0;
  BytesPerSec scale_out_bandwidth;  // network per GPU per direction (400 Gb/s IB = 50 GB/s)
  double tdp_watts = 0;
  std::string source;
  /// The calibration family the step model's fitted parameters are shared by ("hopper", "ampere",
  /// "blackwell", "ada", "cdna3"); empty = "default".
  std::string perf_family;
  /// The FP4 weight format its FP4 units run: NVIDIA's NVFP4, AMD's OCP MXFP4 (MI355X).
  DType fp4_format = DType::kNVFP4;
  /// Defaults an engine picks by GPU, keyed by engine name ("vllm"): vLLM raises max_num_seqs to
  /// 1,024 on GPUs with >= 70 GiB except A100 (EngineArgs._set_default_args). 0 = the engine's own.
  struct EngineDefaults {
    int max_num_seqs = 0;
    friend bool operator==(const EngineDefaults&, const EngineDefaults&) = default;
  };
  std::map<std::string, EngineDefaults> engine_defaults;
  /// How price lists name this GPU ("H100 SXM 80GB (p5.48xlarge)"), for the cost module's mapping of
  /// provider wording to catalog ids (data/prices).
  std::vector<std::string> provider_names;
  friend bool operator==(const GpuSpec&, const GpuSpec&) = default;
};

/// Peak dense FLOP/s for a compute class; a GPU without FP8 (A100) or FP4 units falls back to the
/// next wider class it has (FP4 -> FP8 -> BF16), as engines then run those weights dequantized.
FlopsPerSec PeakFlops(const GpuSpec& g, ComputeClass c);
/// True when the GPU has native units for the class (no fallback).
bool HasNativeCompute(const GpuSpec& g, ComputeClass c);

class GpuCatalog {
 public:
  /// The built-in catalog (embedded data/hardware).
  static const GpuCatalog& BuiltIn();
  /// Parses a catalog JSON document (an array of GPU objects, or {"gpus": [...]}); `source_name`
  /// names the file in errors.
  static Result<GpuCatalog> FromJson(std::string_view json_text, std::string_view source_name);

  /// By id or alias, case-insensitive. NotFound lists the known ids.
  Result<GpuSpec> Find(std::string_view id_or_alias) const;
  const std::vector<GpuSpec>& All() const { return gpus_; }
  /// The GPU a deployment runs on when none is named (the catalog document's "default_gpu"; data/hardware).
  const std::string& DefaultId() const { return default_id_; }
  /// Adds GPUs or overrides fields of existing ones (matched by id, then alias) from a user JSON
  /// file. All or nothing: on error the catalog is unchanged.
  Status Merge(std::string_view json_text, std::string_view source_name);

 private:
  std::vector<GpuSpec> gpus_;
  std::string default_id_;
};

}  // namespace capplan
