#!/usr/bin/env python3
"""Generates data/hardware/gpus.json from the shared catalog (gpus.csv) plus the facts the csv
does not carry: the capacity the driver exposes, aliases, node shape and networks.

Usage: python3 data/hardware/gen_gpus.py /work/shared/catalog/gpus.csv > data/hardware/gpus.json

Every added fact carries its source below; docs/hardware.md explains the rules.
"""
import csv
import json
import sys

MIB = 1024 * 1024
GIB = 1024 * MIB

# NVIDIA and AMD HBM capacities are marketed in "GB" but the parts hold that many GiB: an H100
# 80GB has 80 GiB = 81,920 MiB and exposes 81,559 MiB (nvidia-smi), an H200 141GB has 141 GiB =
# 144,384 MiB and exposes 143,771 MiB. Both lose ~0.44% to the driver; for HBM parts without a
# reading we apply that reserve to the marketed figure read as GiB.
HBM_DRIVER_RESERVE = 1 - 81559 / 81920  # 0.44%, H100 SXM reading
# GDDR parts (L4, L40S, RTX) hold ECC/driver reservations that vary by part: without a
# reading we assume 6% (an upper bound of the GDDR6 ECC carve-out), documented as an estimate.
GDDR_DRIVER_RESERVE = 0.06

MEASURED = {
    "h100-sxm": (81559 * MIB, "nvidia-smi memory.total on H100 SXM5 80GB: 81,559 MiB"),
    "h100-pcie": (81559 * MIB, "same 80 GiB HBM3 part as H100 SXM: 81,559 MiB (nvidia-smi, H100 reading)"),
    "h200-sxm": (143771 * MIB, "nvidia-smi memory.total on H200 SXM 141GB: 143,771 MiB"),
    "b200-hgx": (179 * GIB, "docs.vultr.com HGX B200 overview: 179 GB usable per GPU (read as GiB as nvidia-smi "
                 "reports MiB; agrees with 180 GiB less the 0.44% H100 reserve = 179.2 GiB)"),
}

HBM = {"a100-40gb-sxm", "a100-80gb-sxm", "h100-sxm", "h100-pcie", "h100-nvl", "h200-sxm", "b200-hgx", "b300-hgx",
       "gb200-gpu", "gb300-gpu", "mi300x", "mi325x", "mi355x", "gaudi3"}

ALIASES = {
    "a100-40gb-sxm": ["a100-40gb", "a100-sxm4-40gb"],
    "a100-80gb-sxm": ["a100", "a100-80gb", "a100-sxm", "a100-sxm4-80gb"],
    "h100-sxm": ["h100", "h100-80gb", "h100-sxm5", "h100-sxm5-80gb"],
    "h100-pcie": ["h100-pcie-80gb"],
    "h100-nvl": ["h100-94gb", "h100-nvl-94gb"],
    "h200-sxm": ["h200", "h200-141gb"],
    "b200-hgx": ["b200", "dgx-b200", "hgx-b200"],
    "b300-hgx": ["b300", "hgx-b300"],
    "gb200-gpu": ["gb200", "gb200-nvl72"],
    "gb300-gpu": ["gb300", "gb300-nvl72"],
    "l40s": ["l40s-48gb"],
    "l4": ["l4-24gb"],
    "rtx-4090": ["4090", "rtx4090"],
    "rtx-5090": ["5090", "rtx5090"],
    "mi300x": ["amd-mi300x"],
    "mi325x": ["amd-mi325x"],
    "mi355x": ["amd-mi355x"],
    "gaudi3": ["gaudi-3", "hl-325l"],
}
# How the measurement files name GPUs (data/validation: published-measurements.csv writes "H100-SXM-80GB", the
# serving sweeps "h100_sxm"); looked up as aliases, so validation needs no table of its own.
MEASUREMENT_ALIASES = {
    "a100-80gb-sxm": [],
    "h100-sxm": ["h100-sxm-80gb", "h100_sxm"],
    "h200-sxm": ["h200-sxm-141gb", "h200_sxm"],
    "b200-hgx": ["b200-sxm-180gb", "b200_sxm"],
}

# The calibration family whose fitted step-model parameters a GPU shares (data/calibration/perf.json; docs/perf.md).
# GPUs not listed take the "default" family.
PERF_FAMILY = {
    "a100-40gb-sxm": "ampere", "a100-80gb-sxm": "ampere",
    "h100-sxm": "hopper", "h100-pcie": "hopper", "h100-nvl": "hopper", "h200-sxm": "hopper",
    "b200-hgx": "blackwell", "b300-hgx": "blackwell", "gb200-gpu": "blackwell", "gb300-gpu": "blackwell",
    "l40s": "ada", "l4": "ada", "rtx-4090": "ada",
    "mi300x": "cdna3", "mi325x": "cdna3", "mi355x": "cdna3",
}

# The FP4 format a GPU's FP4 units run (written for GPUs with an FP4 peak): NVIDIA's NVFP4 (Blackwell), AMD's OCP
# MXFP4 (MI355X, CDNA 4 datasheet: "MXFP4").
FP4_FORMAT_BY_VENDOR = {"NVIDIA": "nvfp4", "AMD": "mxfp4"}

# vLLM raises max_num_seqs from 256 to 1,024 on GPUs with at least 70 GiB of device memory, except A100:
# vllm/engine/arg_utils.py, EngineArgs._set_default_args.
VLLM_LARGE_GPU_GIB = 70
VLLM_LARGE_GPU_MAX_NUM_SEQS = 1024
VLLM_SMALL_DEFAULT_EXCEPTIONS = {"a100-40gb-sxm", "a100-80gb-sxm"}
VLLM_DEFAULTS_SOURCE = ("vllm/engine/arg_utils.py EngineArgs._set_default_args: max_num_seqs 1024 on GPUs with >= 70 "
                        "GiB of device memory, except A100")

# How provider price lists (shared/catalog/gpu_prices.csv, api_prices.csv) word each GPU, for the cost module.
# - "H100 80GB" without a form factor: Fireworks, Nebius and Crusoe rent HGX (SXM) H100s; GCP a3-highgpu is H100 SXM.
# - "H200 141GB": H200 is sold as SXM (HGX) only in these clouds; the NVL variant is not in the price list.
# - "A100 80GB" (CoreWeave) is its HGX A100 (SXM); "A100 PCIe 80GB" has no catalog entry and stays unmapped.
# - "GB200 NVL72 186GB" is priced per Blackwell GPU of the NVL72 rack: gb200-gpu.
PROVIDER_NAMES = {
    "h100-sxm": ["H100 SXM 80GB", "H100 SXM 80GB (HGX)", "H100 SXM 80GB (p5.48xlarge)",
                 "H100 SXM 80GB (ND96isr_H100_v5)", "H100 80GB", "H100 80GB (HGX)", "H100 80GB (a3-highgpu-1g)"],
    "h100-pcie": ["H100 PCIe 80GB"],
    "h100-nvl": ["H100 NVL 94GB", "H100 NVL 94GB (NC40ads_H100_v5)"],
    "h200-sxm": ["H200 141GB", "H200 141GB (HGX)", "H200 141GB (p5e.48xlarge)", "HGX H200"],
    "b200-hgx": ["B200 180GB", "B200 180GB (HGX)", "B200 SXM6 180GB"],
    "b300-hgx": ["B300 288GB"],
    "gb200-gpu": ["GB200 NVL72 186GB"],
    "a100-80gb-sxm": ["A100 SXM 80GB", "A100 SXM 80GB (p4de.24xlarge)", "A100 80GB"],
    "a100-40gb-sxm": ["A100 SXM 40GB", "A100 SXM 40GB (p4d.24xlarge)", "A100 SXM 40GB (ND96asr_A100_v4)",
                      "A100 40GB (p4d.24xlarge)"],
    "l40s": ["L40S 48GB"],
    "rtx-4090": ["RTX 4090 24GB"],
    "mi300x": ["MI300X 192GB"],
}

# The GPU a deployment runs on when the user names none (CLI --gpu, the API's "gpu"): the most deployed part.
DEFAULT_GPU = "h100-sxm"

GB_PER_S = 1e9
# Scale-out network per GPU per direction and GPUs per node (or NVLink domain).
# (gpus_per_node, scale_out_gbit_per_gpu, source)
NODES = {
    "a100-40gb-sxm": (8, 200, "DGX A100: 8x ConnectX-6 200 Gb/s HDR InfiniBand, one per GPU"),
    "a100-80gb-sxm": (8, 200, "DGX A100: 8x ConnectX-6 200 Gb/s HDR InfiniBand, one per GPU"),
    "h100-sxm": (8, 400, "DGX/HGX H100: 8x ConnectX-7 400 Gb/s NDR InfiniBand, one per GPU"),
    "h100-pcie": (8, 200, "assumption: PCIe server with 8 cards and one 200 Gb/s NIC per GPU"),
    "h100-nvl": (8, 200, "assumption: PCIe server with 8 cards and one 200 Gb/s NIC per GPU"),
    "h200-sxm": (8, 400, "HGX H200: 8x ConnectX-7 400 Gb/s, one per GPU"),
    "b200-hgx": (8, 400, "DGX B200: 8x ConnectX-7 400 Gb/s, one per GPU"),
    "b300-hgx": (8, 800, "HGX B300: 8x ConnectX-8 800 Gb/s SuperNIC, one per GPU"),
    "gb200-gpu": (72, 400, "GB200 NVL72: 72 GPUs in one NVLink domain; ConnectX-7 400 Gb/s per GPU for scale-out"),
    "gb300-gpu": (72, 800, "GB300 NVL72: 72 GPUs in one NVLink domain; ConnectX-8 800 Gb/s SuperNIC per GPU for "
                  "scale-out"),
    "l40s": (8, 200, "assumption: PCIe server with 8 cards and one 200 Gb/s NIC per GPU"),
    "l4": (8, 100, "assumption: PCIe server with 8 cards and 100 Gb/s Ethernet per GPU"),
    "rtx-4090": (8, 100, "assumption: 8-card PCIe server, 100 Gb/s Ethernet per GPU"),
    "rtx-5090": (8, 100, "assumption: 8-card PCIe server, 100 Gb/s Ethernet per GPU"),
    "mi300x": (8, 400, "AMD MI300X platform: 8 OAM GPUs, one 400 Gb/s NIC per GPU"),
    "mi325x": (8, 400, "AMD MI325X platform: 8 OAM GPUs, one 400 Gb/s NIC per GPU"),
    "mi355x": (8, 400, "AMD MI355X platform: 8 GPUs, one 400 Gb/s NIC per GPU"),
    "gaudi3": (8, 600, "Intel Gaudi 3 white paper: 3 of the 24 on-chip 200GbE ports per card for scale-out"),
}

# GPUs one NVLink fabric joins, where it differs from gpus_per_node (all-to-all and all-reduce
# inside it run on NVLink, across it on the scale-out network; see docs/scale.md).
SCALE_UP_DOMAIN = {
    "gb200-gpu": (72, "GB200 NVL72: one NVLink 5 domain of 72 GPUs (NVLink Switch trays)"),
    "gb300-gpu": (72, "GB300 NVL72: one NVLink 5 domain of 72 GPUs (NVLink Switch trays)"),
    "b300-hgx": (8, "HGX B300 NVL8 board: 8 GPUs on NVLink 5 switches"),
}

# GPUs the shared catalog does not list yet, with their sources; same columns as gpus.csv.
EXTRA_ROWS = [
    {
        "id": "gb300-gpu",
        "name": "NVIDIA GB300 NVL72 (per Blackwell Ultra GPU)",
        "vendor": "NVIDIA",
        "memory_gb": "288",
        "memory_bandwidth_tbs": "8.0",
        "bf16_dense_tflops": "2500",
        "fp8_dense_tflops": "5000",
        "int8_dense_tops": "",
        "fp4_dense_tflops": "15000",
        "interconnect": "NVLink 5 (NVL72 domain)",
        "interconnect_gbs_unidirectional": "900",
        "pcie_gen": "6",
        "tdp_w": "1400",
        "source": "NVIDIA GB300 NVL72 product page (per rack of 72: 20 TB HBM3e = 288 GB and 576 TB/s = 8 TB/s "
                  "per GPU; FP4 1,080 PF dense = 15 PF per GPU; FP8/FP6 720 PF = 10 PF sparse, 5 PF dense; "
                  "130 TB/s NVLink = 1.8 TB/s per GPU, 900 GB/s per direction); NVIDIA Blackwell Ultra "
                  "technical blog (15 PF dense NVFP4, 1,400 W configurable TGP); BF16 taken as the B200/GB200 "
                  "2.5 PF dense (Blackwell Ultra raises FP4 and attention throughput, not BF16). Figures from "
                  "the vendor pages as recalled, not re-read in this session: check before relying on them",
    },
]

# Cards whose only GPU-to-GPU link is PCIe (or a 2-way bridge that pairs cards): no all-to-all
# scale-up fabric, so collectives beyond a pair run over PCIe.
PCIE_ONLY = {"h100-pcie", "h100-nvl", "l40s", "l4", "rtx-4090", "rtx-5090"}

# PCIe x16 per direction, raw signalling rate (GT/s x 16 lanes / 8), before encoding overhead.
PCIE_GBPS = {4: 32, 5: 64, 6: 128}


def num(text):
    return float(text) if text.strip() else None


def main(path):
    gpus = []
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
        known = {r["id"] for r in rows}
        rows += [r for r in EXTRA_ROWS if r["id"] not in known]
        for row in rows:
            gid = row["id"]
            marketed = float(row["memory_gb"]) * 1e9
            if gid in MEASURED:
                usable, usable_src = MEASURED[gid]
            elif gid in HBM:
                usable = round(float(row["memory_gb"]) * GIB * (1 - HBM_DRIVER_RESERVE))
                usable_src = (f"estimate: {row['memory_gb']} GiB of HBM less the 0.44% driver reserve measured on "
                              "H100 (81,559 of 81,920 MiB)")
            else:
                usable = round(marketed * (1 - GDDR_DRIVER_RESERVE))
                usable_src = (f"estimate: {row['memory_gb']} GB of GDDR less a 6% ECC/driver reserve (no reading)")
            peak = {}
            for key, col in (("bf16", "bf16_dense_tflops"), ("fp8", "fp8_dense_tflops"),
                             ("int8", "int8_dense_tops"), ("fp4", "fp4_dense_tflops")):
                v = num(row[col])
                if v:
                    peak[key] = v
            pcie_gen = int(row["pcie_gen"]) if row["pcie_gen"].strip() else 0
            per_node, scale_out_gbit, node_src = NODES[gid]
            scale_up = 0.0 if gid in PCIE_ONLY else float(row["interconnect_gbs_unidirectional"])
            entry = {
                "id": gid,
                "name": row["name"],
                "vendor": row["vendor"],
                "aliases": ALIASES.get(gid, []) + MEASUREMENT_ALIASES.get(gid, []),
                "memory_marketed_gb": float(row["memory_gb"]),
                "memory_usable_bytes": int(usable),
                "memory_usable_source": usable_src,
                "hbm_bandwidth_tb_per_s": float(row["memory_bandwidth_tbs"]),
                "dense_peak_tflops": peak,
                "interconnect": row["interconnect"],
                "scale_up_gb_per_s": scale_up,
                "pcie_gen": pcie_gen,
                "pcie_gb_per_s": PCIE_GBPS.get(pcie_gen, 0),
                "gpus_per_node": per_node,
                "scale_up_domain_gpus": SCALE_UP_DOMAIN.get(gid, (per_node, ""))[0],
                "scale_out_gb_per_s": scale_out_gbit / 8,
                "node_source": node_src + ("; " + SCALE_UP_DOMAIN[gid][1] if gid in SCALE_UP_DOMAIN else ""),
                "tdp_watts": float(row["tdp_w"]),
                "source": row["source"],
            }
            if gid in PERF_FAMILY:
                entry["perf_family"] = PERF_FAMILY[gid]
            if "fp4" in peak:
                entry["fp4_format"] = FP4_FORMAT_BY_VENDOR[row["vendor"]]
            if usable >= VLLM_LARGE_GPU_GIB * GIB and gid not in VLLM_SMALL_DEFAULT_EXCEPTIONS:
                entry["engine_defaults"] = {"vllm": {"max_num_seqs": VLLM_LARGE_GPU_MAX_NUM_SEQS}}
                entry["engine_defaults_source"] = VLLM_DEFAULTS_SOURCE
            if gid in PROVIDER_NAMES:
                entry["provider_names"] = PROVIDER_NAMES[gid]
            gpus.append(entry)
    doc = {
        "_about": "Generated by data/hardware/gen_gpus.py from shared/catalog/gpus.csv; see docs/hardware.md. "
                  "Dense peaks (sparse figures halved); bandwidths per direction; GB = 1e9 bytes.",
        "default_gpu": DEFAULT_GPU,
        "gpus": gpus,
    }
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
