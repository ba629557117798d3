// Terminal pictures: unicode sparklines and a small multi-series line chart.
const BARS = '▁▂▃▄▅▆▇█';
const MARKS = ['●', '○', '▲', '△', '■', '□', '◆', '◇'];

/** Resamples to `width` points (mean per bucket) and draws one block character per point. */
export function sparkline(values: number[], width = 24): string {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return '';
  const n = Math.min(width, v.length);
  const buckets = Array.from({ length: n }, (_, i) => {
    const a = Math.floor((i * v.length) / n);
    const b = Math.max(a + 1, Math.floor(((i + 1) * v.length) / n));
    const slice = v.slice(a, b);
    return slice.reduce((s, x) => s + x, 0) / slice.length;
  });
  const lo = Math.min(...buckets);
  const hi = Math.max(...buckets);
  return buckets.map((x) => BARS[hi === lo ? 3 : Math.round(((x - lo) / (hi - lo)) * (BARS.length - 1))]).join('');
}

export interface ChartSeries {
  label: string;
  x: number[];
  y: number[];
}

export function asciiChart(series: ChartSeries[], width = 64, height = 12): string {
  const pts = series.flatMap((s) => s.x.map((x, i) => [x, s.y[i]] as const)).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pts.length === 0) return '(no data)';
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const grid = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  series.forEach((s, k) => {
    s.x.forEach((x, i) => {
      const y = s.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      const c = x1 === x0 ? 0 : Math.round(((x - x0) / (x1 - x0)) * (width - 1));
      const r = y1 === y0 ? height - 1 : height - 1 - Math.round(((y - y0) / (y1 - y0)) * (height - 1));
      grid[r][c] = MARKS[k % MARKS.length];
    });
  });
  const label = (v: number) => v.toPrecision(3).padStart(9);
  const lines = grid.map((row, r) => `${r === 0 ? label(y1) : r === height - 1 ? label(y0) : ' '.repeat(9)} ┤${row.join('')}`);
  lines.push(`${' '.repeat(10)}└${'─'.repeat(width)}`);
  lines.push(`${' '.repeat(11)}${String(x0).padEnd(width - String(x1).length)}${x1}`);
  lines.push(`${' '.repeat(11)}${series.map((s, k) => `${MARKS[k % MARKS.length]} ${s.label}`).join('   ')}`);
  return lines.join('\n');
}
