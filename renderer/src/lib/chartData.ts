// Turns curves with their own x arrays into uPlot's aligned table (one shared, sorted x).
import uPlot from 'uplot';

export interface Curve {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface HLine {
  label: string;
  value: number;
}

function asArray(a: ArrayLike<number>): number[] {
  return Array.isArray(a) ? (a as number[]) : Array.from(a);
}

export function alignCurves(curves: Curve[], hlines: HLine[] = []): uPlot.AlignedData {
  const present = curves.filter((c) => c.x.length > 0);
  let table: (number | null | undefined)[][];
  if (present.length === 0) table = [[], ...curves.map(() => [])];
  else if (present.length === curves.length && curves.length === 1) table = [asArray(curves[0].x), asArray(curves[0].y)];
  else {
    const joined = uPlot.join(
      curves.map((c) => [asArray(c.x), asArray(c.y)] as uPlot.AlignedData),
    ) as (number | null | undefined)[][];
    table = joined;
  }
  const xs = table[0] as number[];
  for (const h of hlines) table.push(xs.map(() => h.value));
  return table as uPlot.AlignedData;
}
