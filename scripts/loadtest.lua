-- wrk script for scripts/loadtest.sh: a mix of the API's read and compute routes, every request valid
-- (any non-2xx response is an error of the server under load).
local requests = {
  {"GET", "/api/health", nil},
  {"GET", "/api/models", nil},
  {"GET", "/api/gpus", nil},
  {"POST", "/api/model", '{"preset": "llama-4-scout", "context": 8192}'},
  {"POST", "/api/model", '{"simple": {"total_params": 109e9, "active_params": 17e9, "num_layers": 48, ' ..
                         '"num_kv_heads": 8, "head_dim": 128, "num_experts": 16, "experts_per_token": 1}}'},
  {"POST", "/api/memory", '{"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4}'},
  {"POST", "/api/memory", '{"model": {"preset": "deepseek-v3"}, "gpu": "h200", "gpus": 8, "context": 32768}'},
  {"POST", "/api/memory", '{"model": {"preset": "mixtral-8x7b"}, "gpu": "a100", "gpus": 2, "weights": "fp8"}'},
}
local counter = 0

request = function()
  counter = counter + 1
  local r = requests[(counter % #requests) + 1]
  local headers = {}
  if r[3] then headers["Content-Type"] = "application/json" end
  return wrk.format(r[1], r[2], headers, r[3])
end

done = function(summary, latency, requests_)
  local errors = summary.errors
  io.write(string.format("loadtest: requests=%d non2xx=%d socket_errors=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
