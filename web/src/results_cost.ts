// The configuration on screen priced by every provider that rents its GPU (POST /api/cost, `capplan cost`): $/hour,
// $/month, $ per million output tokens at its capacity under the SLOs, the GPUs billed (whole instances), the price
// date (stale rows flagged) and tier. The provider filter lists every provider of the price catalog.
import type { ApiError, CostResult, ProviderCost } from './api';
import { byId, h, setChildren } from './dom';
import { dollars, integer, tokensPerSecond } from './format';
import { unavailable } from './results';
import type { PlannerState } from './state';

export const TIERS: Array<[string, string]> = [
  ['on-demand', 'on-demand'],
  ['reserved-1y', 'reserved 1 year'],
  ['reserved-3y', 'reserved 3 years'],
  ['spot', 'spot'],
  ['own', 'own (capex + power + hosting)'],
];

/// The provider filter's options: every provider of the catalog that rents GPUs, and the one in the URL even when
/// unknown (the server's error then shows at the filter, rather than the choice vanishing).
export function fillProviderFilter(catalog: string[], s: PlannerState): void {
  const el = byId<HTMLSelectElement>('provider-filter');
  const names = [...new Set([...catalog, ...(s.provider ? [s.provider] : [])])].sort((a, b) => a.localeCompare(b));
  el.replaceChildren(h('option', { value: '' }, 'every provider'), ...names.map((p) => h('option', { value: p }, p)));
  el.value = s.provider;
}

function billed(p: ProviderCost): string {
  // "8 (1 × 8-GPU instance, billed whole (4 GPUs idle))" when the instance is larger than the deployment.
  return `${integer(p.gpus_billed)} (${p.instance.replace(' x ', ' × ')})`;
}

function row(p: ProviderCost): HTMLElement {
  const stale = p.staleness !== 'fresh';
  return h(
    'tr',
    { class: stale ? 'stale-price' : undefined, 'data-staleness': p.staleness },
    h('td', {}, p.provider),
    h('td', { class: 'n' }, dollars(p.usd_per_hour)),
    h('td', { class: 'n' }, dollars(p.usd_per_month)),
    h('td', { class: 'n' }, `$${p.usd_per_million_output_tokens.toFixed(3)}`),
    h('td', { class: p.gpus_billed > p.gpus_used ? 'billed-whole' : undefined }, billed(p)),
    h('td', {}, p.as_of, stale ? h('strong', { class: 'stale-flag' }, p.staleness === 'stale' ? ' (stale)' : ' (date unknown)') : null),
    h('td', { title: p.source }, p.pricing_type || p.tier),
  );
}

export function renderCost(c: CostResult | null, error: ApiError | null, inputError: boolean, s: PlannerState): void {
  const body = byId('providers-body');
  if (!c) {
    setChildren(body, error && !inputError ? unavailable('the cost of this configuration (POST /api/cost)', error) : null);
    return;
  }
  const cap = c.capacity;
  const wholes = c.providers.filter((p) => p.gpus_billed > p.gpus_used);
  const stale = c.providers.filter((p) => p.staleness !== 'fresh');
  setChildren(
    body,
    h(
      'p',
      { id: 'cost-capacity', class: 'hint' },
      `At its capacity under your p95 targets: ${cap.requests_per_second.toFixed(2)} requests/s, ${tokensPerSecond(cap.output_tokens_per_second)} `,
      `(${integer(cap.slo_concurrency_per_replica)} sequences per replica, ${integer(cap.replicas)} replica${cap.replicas === 1 ? '' : 's'}). `,
      `A month is 730 hours, 24/7; ${c.tier} prices${s.provider ? ` at ${s.provider}` : ''}, judged on ${c.today}.`,
    ),
    c.providers.length === 0
      ? h('p', { class: 'muted' }, 'No provider prices this GPU at this tier.')
      : h(
          'table',
          { class: 'numbers wide', id: 'cost-table' },
          h('thead', {}, h('tr', {}, ...['Provider', '$/hour', '$/month (24/7)', '$ per M output tokens', 'GPUs billed', 'Price as of', 'Tier'].map((t) => h('th', {}, t)))),
          h('tbody', {}, ...c.providers.map(row)),
        ),
    wholes.length
      ? h('p', { class: 'hint', id: 'cost-billed-whole' }, `${wholes.map((p) => p.provider).join(', ')} rent${wholes.length === 1 ? 's' : ''} whole multi-GPU instances: the idle GPUs are billed too.`)
      : null,
    stale.length ? h('p', { class: 'hint', id: 'cost-stale' }, `Stale prices (older than the 90 days the planner trusts) are marked; check the provider's page.`) : null,
    c.spot ? h('p', { class: 'hint', id: 'cost-spot' }, `Spot: ${c.spot.note}`) : null,
    c.own ? h('p', { class: 'hint', id: 'cost-own' }, `Owning: ${dollars(c.own.usd_per_gpu_hour)} per GPU-hour (${c.own.basis}).`) : null,
  );
}
