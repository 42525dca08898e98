#include "encode_results.h"

#include <fmt/format.h>

#include <chrono>

#include "capplan/launch.h"
#include "encode.h"
#include "encode_band.h"
#include "encode_launch.h"

namespace capplan::json {
namespace {

nlohmann::json Percentiles(const LatencyPercentiles& p) {
  return {{"p50", p.p50.v}, {"p95", p.p95.v}, {"p99", p.p99.v}};
}

nlohmann::json StepJson(const StepBreakdown& s) {
  return {{"step_seconds", s.total.v},
          {"compute_seconds", s.compute.v},
          {"memory_seconds", s.memory.v},
          {"communication_seconds", s.communication.v},
          {"overhead_seconds", s.overhead.v},
          {"bound", BoundName(s.bound)},
          {"bytes_read_per_gpu", s.bytes_read.v},
          {"flops_per_gpu", s.flops.v},
          {"distinct_experts_per_moe_layer", s.distinct_experts}};
}

}  // namespace

Date TodayUtc() {
  const auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd{days};
  return Date{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
              static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

std::string PrecisionName(const WeightPrecision& w) {
  std::string s(DTypeName(w.linear.value_or(w.base)));
  if (w.routed_experts && *w.routed_experts != w.linear.value_or(w.base))
    s += fmt::format(" (experts {})", DTypeName(*w.routed_experts));
  return s;
}

nlohmann::json EncodeDeploymentSummary(const ModelSpec& m, const Deployment& d) {
  return {{"model", m.name},
          {"gpu", d.gpu.id},
          {"gpu_count", d.parallel.TotalGpus()},
          {"layout", EncodeLayout(d.parallel)},
          {"weights_dtype", PrecisionName(d.weights)},
          {"kv_dtype", DTypeName(d.kv_dtype)},
          {"engine", EngineName(d.engine.engine)}};
}

nlohmann::json EncodePerf(const ModelSpec& m, const Deployment& d, const PerfQuery& q, const PerfPrediction& p) {
  nlohmann::json j = EncodeDeploymentSummary(m, d);
  j["input_tokens"] = q.input_tokens;
  j["output_tokens"] = q.output_tokens;
  j["batch"] = q.batch;
  j["decode"] = StepJson(p.decode);
  j["decode"]["tokens_per_second"] = p.decode_tokens_per_second;
  j["decode"]["tpot_seconds"] = p.tpot.v;
  j["prefill"] = {{"ttft_seconds", p.ttft.v}, {"input_tokens", q.input_tokens}};
  j["bound"] = BoundName(p.bound);
  j["note"] = p.note;
  j["max_load"] = {{"output_tokens_per_second", p.max_load.output_tokens_per_second},
                   {"requests_per_second", p.max_load.requests_per_second},
                   {"concurrency", p.max_load.concurrency},
                   {"concurrency_limit", p.max_load.concurrency_limit},
                   {"step_seconds", p.max_load.step.v}};
  j["dense_comparison"] = {{"dense_total_tokens_per_second", p.dense_total_tokens_per_second},
                           {"dense_active_tokens_per_second", p.dense_active_tokens_per_second},
                           {"moe_tokens_per_second", p.decode_tokens_per_second}};
  nlohmann::json curve = nlohmann::json::array();
  for (const auto& c : p.curve)
    curve.push_back({{"batch", c.batch},
                     {"step_seconds", c.step.v},
                     {"tokens_per_second", c.tokens_per_second},
                     {"bound", BoundName(c.bound)},
                     {"distinct_experts_per_moe_layer", c.distinct_experts}});
  j["curve"] = curve;
  j["warnings"] = nlohmann::json::array();
  for (const auto& w : p.memory.warnings) j["warnings"].push_back({{"code", w.code}, {"message", w.message}});
  // The analytic closed loop at --concurrency N (`concurrency` in the API), with the regime's error bands.
  if (p.has_closed_loop) {
    const ClosedLoopPoint& c = p.closed_loop;
    j["closed_loop"] = {
        {"concurrency", q.concurrency},
        {"clients_per_replica", c.clients},
        {"running_per_replica", c.running},
        {"running_limit", c.running_limit},
        {"ttft_seconds", {{"mean", c.ttft.v}, {"error_band", BandJson(ErrorBandFor(d, m, "ttft"))}}},
        {"tpot_seconds", {{"mean", c.tpot.v}, {"error_band", BandJson(ErrorBandFor(d, m, "tpot"))}}},
        {"e2e_seconds", {{"mean", c.e2e.v}}},
        {"queueing_delay_seconds", {{"mean", c.queueing.v}}},
        {"throughput",
         {{"output_tokens_per_second", c.output_tokens_per_second}, {"requests_per_second", c.requests_per_second}}},
        {"bound", BoundName(c.step.bound)}};
  }
  return j;
}

nlohmann::json EncodeLatency(const LatencySummary& l) {
  return {{"mean", l.mean.v}, {"p50", l.p50.v}, {"p90", l.p90.v},
          {"p95", l.p95.v},   {"p99", l.p99.v}, {"count", l.count}};
}

nlohmann::json EncodeSimulation(const ModelSpec& m, const Deployment& d, const SimMetrics& s) {
  nlohmann::json j = EncodeDeploymentSummary(m, d);
  j["completed_requests"] = s.completed_requests;
  j["window_seconds"] = s.window.v;
  j["ttft_seconds"] = EncodeLatency(s.ttft);
  j["tpot_seconds"] = EncodeLatency(s.tpot);
  j["itl_seconds"] = EncodeLatency(s.itl);
  j["e2e_seconds"] = EncodeLatency(s.e2e);
  j["queueing_delay_seconds"] = EncodeLatency(s.queueing_delay);
  j["throughput"] = {{"output_tokens_per_second", s.throughput.output_tokens_per_second},
                     {"total_tokens_per_second", s.throughput.total_tokens_per_second},
                     {"requests_per_second", s.throughput.requests_per_second}};
  j["goodput_requests_per_second"] = s.goodput_requests_per_second;
  j["kv_cache_utilization"] = {{"mean", s.kv_cache_utilization.mean}, {"max", s.kv_cache_utilization.max}};
  j["preemptions"] = s.preemptions;
  j["batch_size"] = {
      {"mean", s.batch_size.mean}, {"p50", s.batch_size.p50}, {"p99", s.batch_size.p99}, {"max", s.batch_size.max}};
  j["steps"] = s.steps;
  return j;
}

nlohmann::json EncodeLoadSweep(const LoadSweepResult& r) {
  nlohmann::json pts = nlohmann::json::array();
  for (const auto& p : r.points)
    pts.push_back({{"rate_per_second", p.rate_per_second},
                   {"meets_targets", p.meets_targets},
                   {"ttft_seconds", EncodeLatency(p.metrics.ttft)},
                   {"tpot_seconds", EncodeLatency(p.metrics.tpot)},
                   {"e2e_seconds", EncodeLatency(p.metrics.e2e)},
                   {"output_tokens_per_second", p.metrics.throughput.output_tokens_per_second}});
  return {{"found", r.found},
          {"max_rate_per_second", r.max_rate_per_second},
          {"points", pts},
          {"unreachable", r.unreachable}};
}

// A disaggregated candidate's pools: the decode pool is the candidate's own layout and replicas (decode workers).
nlohmann::json EncodeDisagg(const Candidate& c) {
  if (!c.disagg) return nullptr;
  const DisaggPlan& d = *c.disagg;
  const Parallelism& pp = d.prefill.parallel;
  const Parallelism& dp = c.deployment.parallel;
  return {
      {"prefill", {{"workers", pp.replicas}, {"gpus_per_worker", pp.GpusPerReplica()}, {"layout", EncodeLayout(pp)}}},
      {"decode", {{"workers", dp.replicas}, {"gpus_per_worker", dp.GpusPerReplica()}, {"layout", EncodeLayout(dp)}}},
      {"kv_bytes_per_request", d.kv_bytes_per_request.v},
      {"kv_transfer_seconds", d.kv_transfer.v},
      {"kv_link", d.nvlink ? "nvlink" : "rdma"},
      {"prefill_seconds", d.prefill_time.v},
      {"prefill_utilisation", d.prefill_utilisation}};
}

nlohmann::json EncodeCandidate(const Candidate& c) {
  const Parallelism& p = c.deployment.parallel;
  return {{"gpu", c.deployment.gpu.id},
          {"gpu_name", c.deployment.gpu.name},
          {"gpu_count", CandidateGpus(c)},
          {"mode", CandidateMode(c)},
          {"disagg", EncodeDisagg(c)},
          {"tpot_error_band",
           {{"regime", c.tpot_band.regime},
            {"low", c.tpot_band.low},
            {"high", c.tpot_band.high},
            {"count", c.tpot_band.count},
            {"meets_slo_at_high", c.meets_slo_in_band}}},
          {"speculative", c.spec ? nlohmann::json{{"method", "mtp"},
                                                  {"tokens", c.spec->tokens},
                                                  {"acceptance", c.spec->acceptance},
                                                  {"acceptance_source", c.spec->acceptance_source},
                                                  {"tokens_per_step", c.spec->tokens_per_step},
                                                  {"speedup", c.spec->speedup}}
                                 : nlohmann::json(nullptr)},
          {"gpus_per_replica", p.GpusPerReplica()},
          {"replicas", p.replicas},
          {"layout", EncodeLayout(p)},
          {"weights_dtype", PrecisionName(c.deployment.weights)},
          {"kv_dtype", DTypeName(c.deployment.kv_dtype)},
          {"slo_concurrency_per_replica", c.slo_concurrency},
          {"replica_capacity_requests_per_second", c.replica_capacity_rps},
          {"capacity_output_tokens_per_second", c.capacity_output_tokens_per_second},
          {"output_tokens_per_second", c.output_tokens_per_second},
          {"latency",
           {{"simulated", c.latency.simulated},
            {"simulated_requests", c.latency.simulated_requests},
            {"ttft_seconds", Percentiles(c.latency.ttft)},
            {"tpot_seconds", Percentiles(c.latency.tpot)},
            {"e2e_seconds", Percentiles(c.latency.e2e)}}},
          {"provider", c.quote.row.provider},
          {"price_as_of", c.quote.row.as_of.text},
          {"cost",
           {{"usd_per_gpu_hour", c.quote.usd_per_gpu_hour.v},
            {"billed_gpus", c.quote.billed_gpus},
            {"usd_per_hour", c.cost.usd_per_hour.v},
            {"usd_per_month", c.cost.usd_per_month_24x7.v},
            {"usd_per_million_output_tokens", c.cost.usd_per_million_output_tokens.v},
            {"usd_per_million_tokens_blended", c.cost.usd_per_million_tokens_blended.v}}},
          {"memory",
           {{"weights_bytes_per_gpu", c.memory.weights_total.v},
            {"kv_cache_bytes_per_gpu", c.memory.kv_cache.v},
            {"capacity_bytes_per_gpu", c.memory.capacity.v}}},
          {"note", c.note}};
}

nlohmann::json EncodePlan(const PlanRequest& r, const PlanResult& plan, Date today, bool default_scenario,
                          PricingTier pricing) {
  nlohmann::json j;
  j["pricing"] = PricingTierName(pricing);
  j["workload"] = {{"input_tokens", r.input_tokens},           {"output_tokens", r.output_tokens},
                   {"rate_per_second", r.rate_per_second},     {"tokens_per_month", plan.tokens_per_month},
                   {"slo_ttft_p95_seconds", r.slo_ttft_p95.v}, {"slo_tpot_p95_seconds", r.slo_tpot_p95.v},
                   {"default_scenario", default_scenario}};
  j["model"] = r.model.name;
  j["search"] = {{"evaluated", plan.evaluated},
                 {"fitting", plan.fitting},
                 {"feasible", plan.candidates.size()},
                 {"evaluated_by_mode",
                  {{"aggregated", plan.evaluated_aggregated},
                   {"attention_dp", plan.evaluated_attention_dp},
                   {"disaggregated_pairings", plan.evaluated_disaggregated},
                   {"speculative_mtp", plan.evaluated_speculative}}}};
  j["error_band_note"] = plan.error_band_note;
  j["disaggregation"] = {{"considered", plan.disagg.considered},
                         {"wins", plan.disagg.wins},
                         {"summary", plan.disagg.summary},
                         {"reasons", plan.disagg.reasons}};
  j["prices_judged_on"] = FormatDate(today);
  if (!plan.feasible()) {
    j["feasible"] = false;
    j["reason"] = plan.infeasible_reason;
    j["suggestions"] = plan.suggestions;
    return j;
  }
  j["feasible"] = true;
  const Candidate& best = plan.candidates.front();
  nlohmann::json rec = EncodeCandidate(best);
  rec["warnings"] = nlohmann::json::array();
  for (const auto& w : best.memory.warnings) rec["warnings"].push_back({{"code", w.code}, {"message", w.message}});
  const std::string hf_id = r.hf_id.empty() ? PresetRepository(r.preset) : r.hf_id;
  auto launch = WriteLaunchCommandsAllEngines(PlanLaunchRequest(r, best, hf_id));
  if (launch.ok()) rec["launch"] = EncodeLaunchCommands(*launch);
  j["recommended"] = rec;
  j["candidates"] = nlohmann::json::array();
  for (const auto& c : plan.candidates) j["candidates"].push_back(EncodeCandidate(c));
  j["pareto"] = plan.pareto;
  j["api_comparison"] = nlohmann::json::array();
  for (size_t i = 0; i < plan.api_comparison.size(); ++i) {
    const ApiComparison& a = plan.api_comparison[i];
    j["api_comparison"].push_back({{"provider", a.price.provider},
                                   {"model", a.price.model_text},
                                   {"usd_per_million_input", a.price.usd_per_million_input.v},
                                   {"usd_per_million_output", a.price.usd_per_million_output.v},
                                   {"usd_per_month", a.usd_per_month.v},
                                   {"usd_per_million_blended", a.usd_per_million_tokens_blended.v},
                                   {"crossover_tokens_per_month", a.crossover_tokens_per_month},
                                   {"crossover_within_capacity", a.crossover_within_capacity},
                                   {"api_cheaper", a.api_cheaper},
                                   {"price_as_of", a.price.as_of.text},
                                   {"staleness", StalenessName(plan.api_staleness[i])}});
  }
  j["api_match"] = {
      {"exact", plan.api_match.exact}, {"equivalent", plan.api_match.equivalent}, {"why", plan.api_match.why}};
  j["traffic_tiers"] = nlohmann::json::array();
  for (const auto& t : plan.tiers) {
    nlohmann::json apis = nlohmann::json::array();
    for (const auto& a : t.apis) apis.push_back({{"provider", a.provider}, {"usd_per_month", a.usd_per_month.v}});
    j["traffic_tiers"].push_back({{"tokens_per_month", t.tokens_per_month},
                                  {"self_host_replicas", t.self_host.replicas},
                                  {"self_host_usd_per_month", t.self_host.usd_per_month.v},
                                  {"apis", apis},
                                  {"cheapest", t.cheapest}});
  }
  return j;
}

}  // namespace capplan::json
