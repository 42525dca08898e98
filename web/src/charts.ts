// Charts (chart.js, registered piece by piece so the bundle carries only what is used).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

import type { MemoryResult, PerfPoint, SimulatePoint } from './api';
import { gib } from './format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, LineController, LineElement, PointElement, Legend, Tooltip);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.animation = false;

const COLORS = {
  weights: '#3b6fb6',
  kv: '#49a078',
  activations: '#e0a100',
  overhead: '#8d6cab',
  free: '#d9dee5',
  over: '#c0392b',
  memoryBound: '#3b6fb6',
  computeBound: '#e07b39',
  commBound: '#8d6cab',
  overheadBound: '#888',
};

const charts = new Map<HTMLCanvasElement, Chart>();

function draw(canvas: HTMLCanvasElement, config: ChartConfiguration): void {
  charts.get(canvas)?.destroy();
  charts.set(canvas, new Chart(canvas, config));
}

/// One horizontal stacked bar per GPU: weights, activations, overhead, the KV cache the workload's
/// concurrency needs, and free (or the overflow past capacity in red), against the engine's capacity.
export function memoryBar(canvas: HTMLCanvasElement, m: MemoryResult): void {
  const g = m.per_gpu;
  const free = g.free_bytes;
  const parts: Array<[string, number, string]> = [
    ['Weights', g.weights_bytes, COLORS.weights],
    ['Activations', g.activation_bytes, COLORS.activations],
    ['Runtime + CUDA graphs', g.overhead_bytes, COLORS.overhead],
    ['KV cache (your concurrency)', g.kv_cache_needed_bytes, COLORS.kv],
    [free >= 0 ? 'Free (more KV)' : 'Over capacity', Math.abs(free), free >= 0 ? COLORS.free : COLORS.over],
  ];
  const capacityGiB = gib(g.capacity_bytes);
  draw(canvas, {
    type: 'bar',
    data: {
      labels: ['per GPU'],
      datasets: parts.map(([label, b, color]) => ({ label, data: [gib(b)], backgroundColor: color, barThickness: 42 })),
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: {
          stacked: true,
          min: 0,
          suggestedMax: Math.max(capacityGiB, gib(g.capacity_bytes - Math.min(free, 0))),
          title: { display: true, text: `GiB per GPU (capacity ${capacityGiB.toFixed(1)} GiB)` },
        },
        y: { stacked: true, display: false },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${(c.parsed.x as number).toFixed(1)} GiB` } },
      },
    },
  });
}

function boundColor(b: string): string {
  if (b === 'compute') return COLORS.computeBound;
  if (b === 'communication') return COLORS.commBound;
  if (b === 'overhead') return COLORS.overheadBound;
  return COLORS.memoryBound;
}

/// Decode throughput against batch; each point coloured by what bounds it.
export function throughputChart(canvas: HTMLCanvasElement, points: PerfPoint[]): void {
  draw(canvas, {
    type: 'line',
    data: {
      labels: points.map((p) => String(p.batch)),
      datasets: [
        {
          label: 'Decode throughput (tok/s, whole deployment)',
          data: points.map((p) => p.tokens_per_second),
          borderColor: '#555',
          pointBackgroundColor: points.map((p) => boundColor(p.bound)),
          pointRadius: 5,
        },
      ],
    },
    options: {
      scales: {
        x: { title: { display: true, text: 'Batch (concurrent sequences)' } },
        y: { title: { display: true, text: 'Output tokens/s' }, min: 0 },
      },
      plugins: {
        tooltip: { callbacks: { afterLabel: (c) => `${points[c.dataIndex]?.bound ?? ''}-bound` } },
      },
    },
  });
}

/// p50 and p95 TTFT and TPOT against the request rate.
export function latencyChart(canvas: HTMLCanvasElement, unsorted: SimulatePoint[]): void {
  const points = [...unsorted].sort((a, b) => a.rate_per_second - b.rate_per_second);
  const rates = points.map((p) => p.rate_per_second.toFixed(2));
  draw(canvas, {
    type: 'line',
    data: {
      labels: rates,
      datasets: [
        { label: 'TTFT p50 (s)', data: points.map((p) => p.ttft_seconds.p50), borderColor: '#3b6fb6', yAxisID: 'y' },
        { label: 'TTFT p95 (s)', data: points.map((p) => p.ttft_seconds.p95), borderColor: '#3b6fb6', borderDash: [6, 4], yAxisID: 'y' },
        { label: 'TPOT p50 (s)', data: points.map((p) => p.tpot_seconds.p50), borderColor: '#e07b39', yAxisID: 'y' },
        { label: 'TPOT p95 (s)', data: points.map((p) => p.tpot_seconds.p95), borderColor: '#e07b39', borderDash: [6, 4], yAxisID: 'y' },
      ],
    },
    options: {
      scales: {
        x: { type: 'category', title: { display: true, text: 'Request rate (requests/s)' } },
        y: { type: 'logarithmic', title: { display: true, text: 'Seconds' } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}
