// A day of traffic (POST /api/plan with traffic_profile, `capplan plan --traffic-profile`): replicas over the day,
// a static fleet sized for the peak against an autoscaled one, GPU-hours a day, $/month and the SLO attainment the
// simulator measures through the ramps.
import type { FleetResult } from './api';
import { fleetChart } from './charts';
import { byId, h, setChildren } from './dom';
import { dollars, integer, seconds } from './format';

const percent = (a: number | null) => (a === null ? 'not simulated' : `${(a * 100).toFixed(2)}%`);

export function renderFleet(f: FleetResult | undefined, planShown: boolean): void {
  const body = byId('fleet-body');
  const canvas = byId<HTMLCanvasElement>('fleet-chart');
  (canvas.parentElement as HTMLElement).hidden = !f;
  if (!f) {
    setChildren(body, planShown ? h('p', { class: 'muted' }, 'The server gave no day of traffic for this plan.') : h('p', { class: 'muted' }, 'No plan to run through the day (see the plan above).'));
    return;
  }
  fleetChart(canvas, f.replicas_by_hour, f.static_replicas, f.requests_per_second_by_hour);
  const c = f.candidate;
  const perReplica = c.gpu_count / Math.max(1, c.layout.replicas);
  const saved = f.usd_per_month_static - f.usd_per_month_autoscaled;
  const row = (name: string, replicas: string, gpuHours: number, usd: number, attain: number | null, id: string) =>
    h('tr', { id }, h('th', { scope: 'row' }, name), h('td', { class: 'n' }, replicas), h('td', { class: 'n' }, integer(gpuHours)), h('td', { class: 'n' }, dollars(usd)), h('td', { class: 'n' }, percent(attain)));
  const ramps = f.ramps.map((r) => `${String(r.hour).padStart(2, '0')}:00 ${r.replicas_serving} → ${r.replicas_needed} replicas at ${r.requests_per_second} req/s: ${percent(r.slo_attainment)} of requests within the targets for ${seconds(r.seconds)}`);
  setChildren(
    body,
    h('p', { id: 'fleet-profile', class: 'hint' }, `${f.profile}. Replicas of ${perReplica} × ${c.gpu_name} (${c.weights_dtype}) at ${c.provider}, ${dollars(c.cost.usd_per_gpu_hour)}/GPU-hour; each hour sized to use at most 90% of a replica's capacity under the targets.`),
    h(
      'table',
      { class: 'numbers wide', id: 'fleet-table' },
      h('thead', {}, h('tr', {}, ...['Fleet', 'Replicas', 'GPU-hours/day', '$/month', 'SLO attainment'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        row('Static (peak, 24/7)', integer(f.static_replicas), f.static_gpu_hours_per_day, f.usd_per_month_static, f.slo_attainment_static, 'fleet-static'),
        row('Autoscaled (each hour)', `${Math.min(...f.replicas_by_hour)}–${f.static_replicas}`, f.autoscaled_gpu_hours_per_day, f.usd_per_month_autoscaled, f.slo_attainment, 'fleet-autoscaled'),
      ),
    ),
    h(
      'p',
      { id: 'fleet-summary' },
      saved > 0.005
        ? `Autoscaling saves ${dollars(saved)}/month (${((saved / f.usd_per_month_static) * 100).toFixed(0)}%); `
        : 'A flat day: autoscaling saves nothing; ',
      `a new replica takes ${seconds(f.scale_up_delay_seconds)} to serve (weights from storage + engine start-up)`,
      ramps.length ? '; while it loads, requests queue on the replicas already up:' : '.',
    ),
    ramps.length ? h('ul', { id: 'fleet-ramps', class: 'notes' }, ...ramps.map((r) => h('li', {}, r))) : null,
    h('p', { class: 'hint' }, `A scale-up hour is simulated as one run, the new replicas serving from the ramp's end, so the backlog the ramp builds delays the requests after it; other hours start from an empty fleet. At most ${f.simulated_requests_per_stretch ?? 'the server\'s bound of'} requests a stretch (docs/plan.md).`),
  );
}
