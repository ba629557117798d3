// Growing metric curves keyed by series name ("train/loss", "eval/accuracy", …), appended in place.
import type { MetricPoint, Series } from '../../../common/runs.ts';

export interface CurveData {
  x: number[];
  y: number[];
}

export function seriesKey(p: Pick<MetricPoint, 'split' | 'name'>): string {
  return p.name.includes('/') ? p.name : `${p.split}/${p.name}`;
}

export class CurveSet {
  readonly curves = new Map<string, CurveData>();

  load(series: Series[]): void {
    this.curves.clear();
    for (const s of series) this.curves.set(s.name, { x: s.x.slice(), y: s.y.slice() });
  }

  /** Appends points newer than each curve's last step; returns whether anything changed. */
  append(points: MetricPoint[]): boolean {
    let changed = false;
    for (const p of points) {
      const key = seriesKey(p);
      let c = this.curves.get(key);
      if (!c) this.curves.set(key, (c = { x: [], y: [] }));
      const last = c.x.length ? c.x[c.x.length - 1] : -Infinity;
      if (p.step < last) continue;
      if (p.step === last) c.y[c.y.length - 1] = p.value;
      else {
        c.x.push(p.step);
        c.y.push(p.value);
      }
      changed = true;
    }
    return changed;
  }

  get(name: string): CurveData | undefined {
    return this.curves.get(name);
  }

  names(): string[] {
    return [...this.curves.keys()].sort();
  }
}

/** Names shown in the "metrics" chart: evaluation metrics other than the loss. */
export function metricNames(names: string[]): string[] {
  return names.filter((n) => n.startsWith('eval/') && n !== 'eval/loss');
}

export function lrName(names: string[]): string | null {
  return names.find((n) => n === 'train/lr' || n.endsWith('/lr') || n.endsWith('/learning_rate')) ?? null;
}
