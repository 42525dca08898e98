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
  type Plugin,
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
  capacity: '#1d2330',
  memoryBound: '#3b6fb6',
  computeBound: '#e07b39',
  commBound: '#8d6cab',
  overheadBound: '#888',
  ttft: '#3b6fb6',
  tpot: '#e07b39',
  rate: '#1e7b4f',
};

const charts = new Map<HTMLCanvasElement, Chart>();

function draw(canvas: HTMLCanvasElement, config: ChartConfiguration, marks: MarkerOptions[] = []): void {
  charts.get(canvas)?.destroy();
  const chart = new Chart(canvas, { ...config, plugins: marks.map((m, i) => verticalMarker(`marker${i}`, m)) });
  charts.set(canvas, chart);
  markers.set(chart, marks);
}

const markers = new WeakMap<Chart, MarkerOptions[]>();

/// What a chart draws, for the browser tests (window.capplanChart('latency-chart')): scale types and
/// ranges, each dataset's values with their x pixels, and the marker lines, rather than pixels compared.
export interface ChartSummary {
  xType: string;
  xMin: number;
  xMax: number;
  datasets: Array<{ label: string; values: unknown[]; xPixels: number[] }>;
  markers: Array<{ label: string; value: number; xPixel: number }>;
}
export function chartSummary(id: string): ChartSummary | null {
  const canvas = document.getElementById(id);
  const chart = canvas instanceof HTMLCanvasElement ? charts.get(canvas) : undefined;
  const x = chart?.scales.x;
  if (!chart || !x) return null;
  return {
    xType: x.type,
    xMin: x.min,
    xMax: x.max,
    datasets: chart.data.datasets.map((d, i) => ({
      label: String(d.label),
      values: [...d.data],
      xPixels: chart.getDatasetMeta(i).data.map((e) => e.x),
    })),
    markers: (markers.get(chart) ?? []).map((m) => ({ label: m.label, value: m.value, xPixel: x.getPixelForValue(m.value) })),
  };
}

/// A vertical line at x = value across the chart area, with a label at its top (the GPU's capacity on
/// the memory bar, the user's rate on the latency chart).
interface MarkerOptions {
  value: number;
  label: string;
  color: string;
}
function verticalMarker(id: string, m: MarkerOptions): Plugin {
  return {
    id,
    afterDatasetsDraw(chart) {
      const x = chart.scales.x;
      if (!x) return;
      const px = x.getPixelForValue(m.value);
      const { top, bottom, left, right } = chart.chartArea;
      if (px < left - 1 || px > right + 1) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = m.color;
      ctx.lineWidth = 2;
      ctx.setLineDash([5, 3]);
      ctx.beginPath();
      ctx.moveTo(px, top - 4);
      ctx.lineTo(px, bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = m.color;
      ctx.font = '11px system-ui, sans-serif';
      const w = ctx.measureText(m.label).width;
      ctx.fillText(m.label, Math.min(Math.max(px - w / 2, left), right - w), Math.max(top - 6, 10));
      ctx.restore();
    },
  };
}

export interface MemorySegment {
  label: string;
  gib: number;
  color: string;
}

/// The bar's segments: what the workload needs, in order, cut at the GPU's capacity. What lies beyond
/// capacity is one red segment (the shortfall), so the bar's length is the demand, never demand +
/// shortfall, and the capacity line marks where it stops fitting.
export function memorySegments(m: MemoryResult): { segments: MemorySegment[]; demandGiB: number; capacityGiB: number } {
  const g = m.per_gpu;
  const parts: MemorySegment[] = [
    { label: 'Weights', gib: gib(g.weights_bytes), color: COLORS.weights },
    { label: 'Activations', gib: gib(g.activation_bytes), color: COLORS.activations },
    { label: 'Runtime + CUDA graphs', gib: gib(g.overhead_bytes), color: COLORS.overhead },
    { label: 'KV cache (your concurrency)', gib: gib(g.kv_cache_needed_bytes), color: COLORS.kv },
  ];
  const capacityGiB = gib(g.capacity_bytes);
  const demandGiB = parts.reduce((sum, p) => sum + p.gib, 0);
  const segments: MemorySegment[] = [];
  let used = 0;
  for (const p of parts) {
    const inside = Math.max(0, Math.min(p.gib, capacityGiB - used));
    if (inside > 0) segments.push({ ...p, gib: inside });
    used += p.gib;
  }
  if (demandGiB > capacityGiB) {
    segments.push({ label: `Beyond capacity (short by ${(demandGiB - capacityGiB).toFixed(1)} GiB)`, gib: demandGiB - capacityGiB, color: COLORS.over });
  } else {
    segments.push({ label: 'Free (more KV)', gib: capacityGiB - demandGiB, color: COLORS.free });
  }
  return { segments, demandGiB, capacityGiB };
}

/// One horizontal stacked bar per GPU, drawn to the engine's capacity with a capacity line.
export function memoryBar(canvas: HTMLCanvasElement, m: MemoryResult): void {
  const { segments, demandGiB, capacityGiB } = memorySegments(m);
  draw(canvas, {
    type: 'bar',
    data: {
      labels: ['per GPU'],
      datasets: segments.map((s) => ({ label: s.label, data: [s.gib], backgroundColor: s.color, barThickness: 42 })),
    },
    options: {
      indexAxis: 'y',
      layout: { padding: { top: 14 } },
      scales: {
        x: {
          stacked: true,
          min: 0,
          max: Math.ceil(Math.max(capacityGiB, demandGiB) * 1.02),
          title: { display: true, text: `GiB per GPU (capacity ${capacityGiB.toFixed(1)} GiB, demand ${demandGiB.toFixed(1)} GiB)` },
        },
        y: { stacked: true, display: false },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${(c.parsed.x as number).toFixed(1)} GiB` } },
      },
    },
  }, [{ value: capacityGiB, label: `capacity ${capacityGiB.toFixed(1)} GiB`, color: COLORS.capacity }]);
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

export interface LatencyMarks {
  rate: number; // the user's request rate (requests/s)
  sloTtftSeconds: number;
  sloTpotSeconds: number;
}

/// p50 and p95 TTFT and TPOT against the request rate, on a numeric rate axis (log when the sweep spans
/// more than a decade, as halving sweeps do), with the p95 targets as horizontal lines and the user's
/// rate as a vertical one.
export function latencyChart(canvas: HTMLCanvasElement, unsorted: SimulatePoint[], marks: LatencyMarks): void {
  const points = [...unsorted].sort((a, b) => a.rate_per_second - b.rate_per_second);
  const rates = points.map((p) => p.rate_per_second).concat(marks.rate > 0 ? [marks.rate] : []);
  const lo = Math.min(...rates);
  const hi = Math.max(...rates);
  const xType = lo > 0 && hi / lo > 10 ? 'logarithmic' : 'linear';
  const xy = (f: (p: SimulatePoint) => number) => points.map((p) => ({ x: p.rate_per_second, y: f(p) }));
  const flat = (y: number) => [{ x: lo, y }, { x: hi, y }];
  draw(canvas, {
    type: 'line',
    data: {
      datasets: [
        { label: 'TTFT p50', data: xy((p) => p.ttft_seconds.p50), borderColor: COLORS.ttft, backgroundColor: COLORS.ttft },
        { label: 'TTFT p95', data: xy((p) => p.ttft_seconds.p95), borderColor: COLORS.ttft, backgroundColor: COLORS.ttft, borderDash: [6, 4] },
        { label: 'TPOT p50', data: xy((p) => p.tpot_seconds.p50), borderColor: COLORS.tpot, backgroundColor: COLORS.tpot },
        { label: 'TPOT p95', data: xy((p) => p.tpot_seconds.p95), borderColor: COLORS.tpot, backgroundColor: COLORS.tpot, borderDash: [6, 4] },
        { label: 'TTFT target (p95)', data: flat(marks.sloTtftSeconds), borderColor: COLORS.ttft, borderWidth: 1, pointRadius: 0, borderDash: [2, 2] },
        { label: 'TPOT target (p95)', data: flat(marks.sloTpotSeconds), borderColor: COLORS.tpot, borderWidth: 1, pointRadius: 0, borderDash: [2, 2] },
      ],
    },
    options: {
      parsing: false,
      layout: { padding: { top: 14 } },
      scales: {
        x: { type: xType, title: { display: true, text: `Request rate (requests/s, ${xType === 'linear' ? 'linear' : 'log'} scale)` } },
        y: { type: 'logarithmic', title: { display: true, text: 'Seconds (log scale)' } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${(c.parsed.y as number).toPrecision(3)} s at ${(c.parsed.x as number).toPrecision(3)} req/s` } },
      },
    },
  }, marks.rate > 0 ? [{ value: marks.rate, label: `your rate ${marks.rate.toPrecision(3)}/s`, color: COLORS.rate }] : []);
}

/// Replicas over the day: the autoscaled fleet's replicas each hour (bars), the static fleet sized for the peak
/// (a line), and the requests/s of the traffic profile on a second axis.
export function fleetChart(canvas: HTMLCanvasElement, replicas: number[], staticReplicas: number, rates: number[]): void {
  const hours = replicas.map((_, h) => `${String(h).padStart(2, '0')}h`);
  draw(canvas, {
    type: 'bar',
    data: {
      labels: hours,
      datasets: [
        { type: 'bar', label: 'Autoscaled replicas', data: replicas, backgroundColor: COLORS.kv, yAxisID: 'y' },
        { type: 'line', label: 'Static fleet (sized for the peak)', data: replicas.map(() => staticReplicas), borderColor: COLORS.capacity, borderDash: [6, 4], pointRadius: 0, yAxisID: 'y' },
        { type: 'line', label: 'Requests/s', data: rates, borderColor: COLORS.tpot, backgroundColor: COLORS.tpot, pointRadius: 2, yAxisID: 'y1' },
      ],
    },
    options: {
      scales: {
        x: { title: { display: true, text: 'Hour of the day' } },
        y: { min: 0, ticks: { precision: 0 }, title: { display: true, text: 'Replicas' } },
        y1: { min: 0, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'Requests/s' } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  } as ChartConfiguration);
}
