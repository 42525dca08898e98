// How many requests the latency sweep simulates per rate: as many as the answer needs (1,000 gives
// stable p95s), but within the server's bound on simulated work, so that long prompts get a smaller
// sweep instead of a refusal and no chart.
import type { Health } from './api';

// docs/api.md, POST /api/simulate: requests x (input + output) x 30 (a sweep's simulations) <= 2e8
// tokens, requests <= 20,000. Used when /api/health does not publish `limits`.
const DEFAULT_MAX_TOKENS = 2e8;
const DEFAULT_SWEEP_SIMULATIONS = 30;
const DEFAULT_MAX_REQUESTS = 20_000;
const WANTED_REQUESTS = 1000;

export function sweepRequests(tokensPerRequest: number, health: Health | null): number {
  const limits = health?.limits ?? {};
  const maxTokens = limits.max_simulated_tokens ?? DEFAULT_MAX_TOKENS;
  const sims = limits.sweep_simulations ?? DEFAULT_SWEEP_SIMULATIONS;
  const maxRequests = limits.max_simulated_requests ?? DEFAULT_MAX_REQUESTS;
  const fitting = Math.floor(maxTokens / (sims * Math.max(1, tokensPerRequest)));
  return Math.max(1, Math.min(WANTED_REQUESTS, maxRequests, fitting));
}
