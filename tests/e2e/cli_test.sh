#!/usr/bin/env bash
# End-to-end tests of the capplan CLI: exit codes, key outputs and exact error texts.
# Usage: cli_test.sh PATH_TO_CAPPLAN
set -u
BIN=${1:?usage: cli_test.sh PATH_TO_CAPPLAN}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0

check() {  # check NAME EXPECTED_EXIT PATTERN -- ARGS...   (PATTERN: grep -E over stdout+stderr)
  local name=$1 want=$2 pattern=$3; shift 4
  "$BIN" "$@" >"$TMP/out" 2>&1
  local rc=$?
  if [[ $rc -ne $want ]]; then
    echo "FAIL $name: exit $rc, expected $want"; sed 's/^/    /' "$TMP/out" | head -20; fail=$((fail + 1)); return
  fi
  if ! grep -Eq -- "$pattern" "$TMP/out"; then
    echo "FAIL $name: output does not match /$pattern/"; sed 's/^/    /' "$TMP/out" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $name"; pass=$((pass + 1))
}

json_check() {  # json_check NAME PYTHON_EXPR -- ARGS...   (EXPR over j = parsed stdout, must be truthy)
  local name=$1 expr=$2; shift 3
  if ! "$BIN" "$@" >"$TMP/out.json" 2>"$TMP/err"; then
    echo "FAIL $name: non-zero exit"; head -5 "$TMP/err"; fail=$((fail + 1)); return
  fi
  if python3 -c "import json,sys; j=json.load(open('$TMP/out.json')); sys.exit(0 if ($expr) else 1)"; then
    echo "ok   $name"; pass=$((pass + 1))
  else
    echo "FAIL $name: $expr is false"; head -c 600 "$TMP/out.json"; echo; fail=$((fail + 1))
  fi
}

printf '%s' '{"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 100000000, "num_attention_heads": 4, "vocab_size": 10, "intermediate_size": 8}' >"$TMP/huge.json"
check version 0 '^capplan [0-9]+\.[0-9]+\.[0-9]+' -- --version
check help-lists-commands 0 'plan.*' -- --help
check models-lists-scout 0 'llama-4-scout' -- models
check model-scout-table 0 '192(\.0)? KiB' -- model llama-4-scout
json_check model-scout-json "abs(j['params']['total'] - 108.64e9) < 0.01e9 and j['kv_cache']['bytes_per_token'] == 196608" -- model llama-4-scout --json
check model-unknown-preset 2 'unknown model|not a preset|cannot open' -- model no-such-model
echo '{"model_type": "llama", "hidden_size": 4096' > "$TMP/bad.json"
check model-malformed-json 2 'malformed JSON' -- model "$TMP/bad.json"
check perf-scout 0 'TPOT at batch' -- perf llama-4-scout --gpu h100 --gpus 4 --weights bf16 --batch 16
json_check perf-json-keys "all(k in j for k in ('decode','prefill','bound','max_load')) and j['decode']['step_seconds'] > 0 and j['decode']['tokens_per_second'] < 10000" -- perf llama-4-scout --gpu h100 --gpus 4 --weights bf16 --batch 16 --json
check perf-more-tp-than-heads 2 'tp|TP' -- perf llama-3.1-8b --gpu h100 --gpus 64 --tp 64
check perf-negative-input 2 'input' -- perf llama-3.1-8b --gpu h100 --input -5
check perf-unknown-gpu 2 'unknown GPU|not found|Unknown GPU' -- perf llama-3.1-8b --gpu tpu-v9
json_check simulate-json-keys "j['ttft_seconds']['p95'] > 0 and j['throughput']['output_tokens_per_second'] > 0 and j['completed_requests'] == 300" -- simulate llama-3.1-8b --gpu h100 --rate 5 --input 500 --output 100 --requests 300 --json
check simulate-bad-rate 2 'rate' -- simulate llama-3.1-8b --gpu h100 --rate 0
check validate-summary 0 'median' -- validate
json_check plan-default-json "j['recommended']['gpu_count'] >= 1 and j['recommended']['cost']['usd_per_month'] > 0 and len(j['api_comparison']) > 0 and j['workload']['default_scenario']" -- plan --json
check plan-infeasible 1 'infeasible' -- plan llama-3.1-405b --gpus-allowed l4 --finalists 0
check plan-infeasible-slo 1 'to make it feasible' -- plan llama-3.1-70b --slo-tpot-p95 0.0005 --finalists 0
check prices-lists 0 'Lambda' -- prices
# Launch commands that start what they describe (issue 16): the NVFP4 checkpoint, not the BF16 repository; a config
# file is not a repository; --engine trtllm prints trtllm-serve.
json_check plan-launch-nvfp4-checkpoint "all(('nvfp4' not in j['recommended']['weights_dtype']) or ('FP4' in c['checkpoint']) for c in j['recommended']['launch']['commands']) and j['recommended']['launch']['trtllm'].startswith('trtllm-serve ')" -- plan --json
check plan-launch-trtllm 0 'TensorRT-LLM \(the engine planned for\):' -- plan --engine trtllm
python3 -c "import json; d=json.load(open('$(dirname "$0")/../../data/models/qwen3-8b.json')); d.pop('_name_or_path', None); json.dump(d, open('$TMP/noname.json', 'w'))"
check plan-launch-config-placeholder 0 'vllm serve <model-repo-or-dir> ' -- plan "$TMP/noname.json" --rate 1 --finalists 1
check plan-launch-hf-id 0 'vllm serve Qwen/Qwen3-8B(-FP8)? ' -- plan "$TMP/noname.json" --rate 1 --finalists 1 --hf-id Qwen/Qwen3-8B
check memory-hybrid-state-split 0 'recurrent state \(constant\) 37\.1 MiB' -- memory qwen3.5-122b-a10b --gpu h200 --gpus 4 --context 262144
check kv-dtype-auto-reads-the-checkpoint 0 'kv-dtype auto: fp8 \(data/models/glm-5.1-nvfp4.hf_quant_config.json' -- memory glm-5.1 --gpu h200 --gpus 8
check models-lists-aliases 0 'llama-4-maverick .* maverick' -- models
check config-layers-bound 2 'num_hidden_layers=100000000 exceeds the physical limit' -- model "$TMP/huge.json"

# Issue 17: hostile or mistaken files are named for what they are; output that cannot be written is a failure.
check model-directory 2 "is a directory, not a config.json" -- model "$TMP"
check model-device 2 "/dev/zero: is a device or special file, not a config.json" -- model /dev/zero
check trace-directory 2 "--trace: .*: is a directory, not a trace file" -- simulate llama-3.1-8b --gpu h100 --rate 5 --arrival trace --trace "$TMP"
echo '[{"id": "h100", "hbm_bandwidth_tb_per_s": 0}]' > "$TMP/zero-bw.json"
check gpu-file-zero-bandwidth 2 "hbm_bandwidth_tb_per_s must be positive" -- gpus --gpu-file "$TMP/zero-bw.json"
check plan-replicas-overflow 1 "need more than 256 replicas" -- plan llama-3.1-8b --input 1000 --output 100000 --rate 1e6 --finalists 0
if [[ -w /dev/full ]]; then
  "$BIN" plan --json --finalists 0 >/dev/full 2>"$TMP/err"; rc=$?
  if [[ $rc -ne 0 ]] && grep -q "cannot write the output" "$TMP/err"; then echo "ok   write-failure-exits-non-zero"; pass=$((pass + 1))
  else echo "FAIL write-failure-exits-non-zero: exit $rc"; cat "$TMP/err"; fail=$((fail + 1)); fi
fi
# Issue 16: a second serve on a port in use refuses (SO_REUSEPORT let it start and share the connections).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --port "$PORT" >/dev/null 2>&1 &
SERVE_PID=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
timeout 10 "$BIN" serve --port "$PORT" >"$TMP/out" 2>&1; rc=$?
if [[ $rc -eq 2 ]] && grep -q "cannot listen on 127.0.0.1:$PORT: Address already in use" "$TMP/out"; then
  echo "ok   serve-port-in-use"; pass=$((pass + 1))
else echo "FAIL serve-port-in-use: exit $rc"; cat "$TMP/out"; fail=$((fail + 1)); fi
kill "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID" 2>/dev/null

# Issue 16: a sweep whose target is below the analytic floor answers at once, saying why.
check simulate-sweep-unreachable 0 'no rate meets the targets: the p95 TPOT target 100 us is below the fastest decode step' -- simulate llama-3.1-8b --gpu h100 --rate 5 --input 500 --output 100 --sweep --slo-tpot-p95 0.0001
check plan-capacity-not-zero 0 'capacity +0\.0[1-9][0-9]* requests/s per replica' -- plan --input 1000000 --output 1000 --rate 0.1 --slo-ttft-p95 60

check memory-does-not-fit-suggests 0 'does_not_fit.*nearest that fit: 4x h100-sxm at this precision' -- memory llama-4-scout --gpu h100 --gpus 1 --weights bf16
check memory-pool-below-limits 0 'pool_below_limits.*--max-model-len 131,072 with --max-num-seqs 256' -- memory llama-3.1-8b --gpu h100 --gpus 1 --weights bf16 --max-model-len 131072 --max-num-seqs 256
check fit-kv-auto-reads-the-checkpoint 0 'vllm, KV fp8\)' -- fit glm-5.1 --context 4096
# plan reads the traffic profile through the bounded ReadInputFile: a directory is named, not read (issue 11).
mkdir -p "$TMP/profile.d"
check plan-traffic-profile-directory 2 'profile.d: is a directory, not a traffic profile CSV file' -- plan llama-3.1-8b --traffic-profile "$TMP/profile.d"

# Disaggregated prefill/decode candidates in plan (issue 14): searched beside aggregated and attention-DP ones, with
# the verdict and its reasons.
check plan-disagg-searched 0 'searched: [1-9][0-9]* aggregated and [1-9][0-9]* attention-DP configurations, [1-9][0-9]* disaggregated pairings' -- plan deepseek-r1 --rate 20 --input 8000 --output 1000
check plan-disagg-verdict 0 'DISAGGREGATED PREFILL/DECODE: disaggregation (wins|loses)' -- plan deepseek-r1 --rate 20 --input 8000 --output 1000
json_check plan-disagg-json "j['search']['evaluated_by_mode']['disaggregated_pairings'] > 0 and any(c['mode'] == 'disaggregated' and c['gpu_count'] == c['disagg']['prefill']['workers'] * c['disagg']['prefill']['gpus_per_worker'] + c['disagg']['decode']['workers'] * c['disagg']['decode']['gpus_per_worker'] for c in j['candidates']) and any('prefill interference raises TPOT' in x for x in j['disaggregation']['reasons'])" -- plan deepseek-r1 --rate 20 --input 8000 --output 1000 --json

# The disaggregated closed loop takes --concurrency with the aggregated closed loop's meaning (warm-up and drain not
# measured); --disagg-clients is a deprecated alias that says so, and a disagreement between the two is refused.
check disagg-concurrency 0 'closed loop of 8 clients: the first 8 requests \(warm-up\) and the last 8 \(drain\) are not measured' -- simulate qwen3-8b --gpu h100 --prefill-workers 1 --decode-workers 1 --input 512 --output 64 --concurrency 8 --requests 100
check disagg-clients-deprecated 0 'warning: --disagg-clients is deprecated; use --concurrency' -- simulate qwen3-8b --gpu h100 --prefill-workers 1 --decode-workers 1 --input 512 --output 64 --disagg-clients 8 --requests 100
check disagg-concurrency-disagree 2 '^capplan: error: --concurrency=4 and --disagg-clients=8 disagree: give --concurrency' -- simulate qwen3-8b --gpu h100 --prefill-workers 1 --decode-workers 1 --input 512 --output 64 --disagg-clients 8 --concurrency 4
check disagg-perf-concurrency 0 'closed loop of 8 clients \(analytic steady state\): TTFT' -- perf qwen3-8b --gpu h100 --prefill-workers 1 --decode-workers 1 --input 512 --output 64 --concurrency 8

# Error bands in plan (issue 12): the recommendation's band is judged, and a plan that no band allows says so.
check plan-error-band 0 'error band  p95 TPOT .* at the error band.s high factor' -- plan
# A target no B200 candidate meets within its band, derived from the bands at run time (a refit moves them): every B200
# candidate of this plan shares one regime (trtllm dense blackwell, one high factor h), so a target just below the
# fastest candidate's TPOT x h (and above TPOT / kTpotScreenMargin, which the search's screening lets through) is
# met at the point estimate only.
NB_ARGS=(plan llama-3.1-8b --engine trtllm --gpus-allowed b200 --rate 5 --finalists 0)
NB_TARGET=$("$BIN" "${NB_ARGS[@]}" --slo-tpot-p95 0.004 --json 2>/dev/null | python3 -c '
import json, sys
c = min(json.load(sys.stdin)["candidates"], key=lambda c: c["latency"]["tpot_seconds"]["p95"])
t, h = c["latency"]["tpot_seconds"]["p95"], c["tpot_error_band"]["high"]
print(f"{max(t / 0.85, 0.999 * t * h):.6f}" if h > 1 / 0.85 else "none")')
if [[ "$NB_TARGET" == none || -z "$NB_TARGET" ]]; then
  echo "FAIL plan-error-band-none: the band (high factor at most 1/0.85) leaves no target to test"; fail=$((fail + 1))
else
  NB_MS=$(python3 -c "print(f'{$NB_TARGET * 1000:.2f}')")
  check plan-error-band-none 0 "error band  no candidate meets p95 TPOT $NB_MS ms at its error band.s high factor: the recommendation is the cheapest that meets it at the point estimate only" -- "${NB_ARGS[@]}" --slo-tpot-p95 "$NB_TARGET"
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
