// Compare screen: which curves to overlay, and x as step or epoch.
import type { RunSummary, Series } from '../../../common/runs.ts';
import type { Curve } from './chartData.ts';

export type XAxis = 'step' | 'epoch';

/** Series names present in the comparison, losses first, then evaluation metrics, then the rest. */
export function comparableNames(series: Series[]): string[] {
  const names = [...new Set(series.map((s) => s.name))];
  const rank = (n: string) => (n === 'train/loss' ? 0 : n === 'eval/loss' ? 1 : n.startsWith('eval/') ? 2 : n.endsWith('/epoch') ? 9 : 3);
  return names.filter((n) => !n.endsWith('/epoch')).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function defaultNames(names: string[]): string[] {
  const picked: string[] = names.filter((n) => n === 'train/loss' || n === 'eval/loss');
  const metric = names.find((n) => n.startsWith('eval/') && n !== 'eval/loss');
  if (metric) picked.push(metric);
  return picked.length ? picked : names.slice(0, 1);
}

/**
 * Step → epoch for one run: from its own "train/epoch" series when recorded (interpolated),
 * else proportionally from where the run stands (epoch / step).
 */
export function epochMapper(run: RunSummary, epochSeries: Series | undefined): ((step: number) => number) | null {
  if (epochSeries && epochSeries.x.length >= 2) {
    const { x, y } = epochSeries;
    return (step) => {
      let lo = 0;
      let hi = x.length - 1;
      if (step <= x[0]) return (y[0] * step) / (x[0] || 1);
      if (step >= x[hi]) return y[hi] + ((step - x[hi]) * (y[hi] - y[hi - 1])) / (x[hi] - x[hi - 1] || 1);
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (x[mid] <= step) lo = mid;
        else hi = mid;
      }
      return y[lo] + ((step - x[lo]) * (y[hi] - y[lo])) / (x[hi] - x[lo] || 1);
    };
  }
  if (run.step > 0 && run.epoch > 0) {
    const perStep = run.epoch / run.step;
    return (step) => step * perStep;
  }
  return null;
}

export function curvesFor(name: string, runs: RunSummary[], series: Series[], xAxis: XAxis): Curve[] {
  const out: Curve[] = [];
  for (const run of runs) {
    const s = series.find((v) => v.runId === run.id && v.name === name);
    if (!s) continue;
    let x = s.x;
    if (xAxis === 'epoch') {
      const map = epochMapper(run, series.find((v) => v.runId === run.id && v.name.endsWith('/epoch')));
      if (!map) continue;
      x = s.x.map(map);
    }
    out.push({ label: `${run.name} (#${run.id})`, x, y: s.y });
  }
  return out;
}
