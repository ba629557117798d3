// The plan as the CLI and the bench print it: a plain-text table (no colours, pipes cleanly).
import type { PlanResult } from '../../common/planner.ts';
import { formatBytes } from './byteSize.ts';
import { DEFAULT_TARGET_LENGTH } from './plan.ts';

export function textTable(headers: string[], rows: string[][], rightAligned: number[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '—';
}

export function formatPlan(p: PlanResult, opts: { parts?: boolean } = {}): string {
  const rows: string[][] = [];
  for (const c of p.components) {
    rows.push([c.name, formatBytes(c.bytes), percent(c.bytes, p.totalBytes), c.detail]);
    if (opts.parts) for (const part of c.parts ?? []) rows.push([`  ${part.name}`, formatBytes(part.bytes), percent(part.bytes, p.totalBytes), '']);
  }
  rows.push(['total', formatBytes(p.totalBytes), '100.0 %', `${percent(p.totalBytes, p.gpuBytes)} of the capacity`]);
  const i = p.input;
  const shape = p.modelType === 'mt5' ? `batch ${i.batchSize}, source ${i.seqLength}, target ${i.targetLength ?? DEFAULT_TARGET_LENGTH}` : `batch ${i.batchSize}, seq ${i.seqLength}`;
  const lines = [
    `model ${i.model} (${p.modelType}, ${p.parameterCount.toLocaleString('en-US')} parameters, ${p.trainableParameterCount.toLocaleString('en-US')} trainable), ${i.optimizer}, ${shape}, backend ${p.backend}`,
    '',
    textTable(['component', 'bytes', 'share', 'detail'], rows, [1, 2]),
    '',
    `capacity  ${formatBytes(p.gpuBytes)}`,
    `verdict   ${p.verdict}  (fits ≤ 90 % of capacity < tight ≤ 100 % < exceeds)`,
    `largest batch size that fits at seq ${i.seqLength}: ${p.maxBatchSize || 'none'}`,
    `largest sequence length that fits at batch ${i.batchSize}: ${p.maxSeqLength || 'none'}`,
    ...p.notes.map((n) => `note: ${n}`),
  ];
  return lines.join('\n');
}
