// One formatter per unit, as the CLI prints them (binary units for bytes: GiB, never GB).

export function bytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function gib(b: number): number {
  return b / 2 ** 30;
}

export function count(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e12) return `${(n / 1e12).toFixed(2)}T`;
  if (a >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return `${Math.round(n)}`;
}

export function flops(f: number): string {
  if (f >= 1e12) return `${(f / 1e12).toFixed(1)} TFLOP`;
  if (f >= 1e9) return `${(f / 1e9).toFixed(1)} GFLOP`;
  return `${(f / 1e6).toFixed(1)} MFLOP`;
}

export function seconds(s: number): string {
  if (s < 1e-3) return `${(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${s.toPrecision(3)} s`;
}

export function dollars(d: number): string {
  return `$${d.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function tokensPerSecond(t: number): string {
  return `${Math.round(t).toLocaleString('en-US')} tok/s`;
}

export function integer(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/// An error band in words: "typically 12.6 ms to 26.9 ms: −49% to +10%, 144 comparable measurements of vllm moe
/// hopper" (the range in seconds when the predicted `value` is given).
export function band(b: { low: number; high: number; count: number; regime: string } | undefined, value?: number): string {
  if (!b) return '';
  if (b.count === 0) return `no measured band for ${b.regime} yet`;
  const pct = (f: number) => {
    const p = Math.round((f - 1) * 100);
    return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p)}%`;
  };
  const range = value === undefined ? '' : `${seconds(value * b.low)} to ${seconds(value * b.high)}: `;
  return `typically ${range}${pct(b.low)} to ${pct(b.high)}, ${integer(b.count)} comparable measurement${b.count === 1 ? '' : 's'} of ${b.regime}`;
}
