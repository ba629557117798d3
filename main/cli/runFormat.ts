// Text renderings of runs for the CLI: list table, detail, comparison with a loss chart.
import type { Comparison, Page, RunDetail, RunSummary } from '../../common/runs.ts';
import { asciiChart, sparkline } from './asciiChart.ts';
import { formatBytes, formatDuration, formatMetric, formatTable } from './table.ts';

export function formatRunList(page: Page<RunSummary>): string {
  if (page.total === 0) return 'no runs yet — start one with `octet train <config>` or `octet demo`';
  const rows = page.items.map((r) => [
    r.id, r.name, r.status, r.modelType ?? r.model, r.task, r.optimizer,
    r.bestMetric ? `${r.bestMetric.name} ${formatMetric(r.bestMetric.value)}` : null,
    formatBytes(r.measuredPeakBytes), formatDuration(r.durationMs), r.tags.join(','), sparkline(r.lossSparkline, 16),
  ]);
  const table = formatTable(['id', 'name', 'status', 'model', 'task', 'optimizer', 'best', 'peak mem', 'time', 'tags', 'loss'], rows, ['right']);
  const last = Math.min(page.offset + page.items.length, page.total);
  return `${table}\n${page.offset + 1}–${last} of ${page.total} runs`;
}

export function formatRunDetail(r: RunDetail): string {
  const out: string[] = [];
  if (r.tags.length) out.push(`  tags: ${r.tags.join(', ')}`);
  if (r.notes) out.push(`  notes: ${r.notes}`);
  if (r.lossSparkline.length) out.push(`  loss: ${sparkline(r.lossSparkline, 48)}`);
  if (r.checkpoints.length) {
    out.push('  checkpoints:');
    for (const c of r.checkpoints) {
      out.push(`    step ${c.step}${c.isBest ? ' (best)' : ''}: ${c.path} ${formatBytes(c.sizeBytes)}${c.metric ? ` ${c.metric.name} ${formatMetric(c.metric.value)}` : ''}`);
    }
  }
  for (const s of r.samples) out.push(`  sample: ${s.input} → ${s.output} (target ${s.target})`);
  return out.join('\n');
}

export function formatComparison(c: Comparison): string {
  const out: string[] = [];
  const metricNames = [...new Set(c.runs.flatMap((r) => Object.keys(r.finalMetrics)))].sort();
  out.push(formatTable(
    ['run', 'name', 'status', 'optimizer', 'best', ...metricNames, 'peak mem', 'time'],
    c.runs.map((r) => [
      r.id, r.name, r.status, r.optimizer, r.bestMetric ? `${r.bestMetric.name} ${formatMetric(r.bestMetric.value)}` : null,
      ...metricNames.map((m) => formatMetric(r.finalMetrics[m])), formatBytes(r.measuredPeakBytes), formatDuration(r.durationMs),
    ]),
    ['right'],
  ));
  const loss = c.series.filter((s) => s.name === 'train/loss');
  if (loss.length) {
    out.push('', 'train loss by step:');
    out.push(asciiChart(loss.map((s) => ({ label: `run ${s.runId}`, x: s.x, y: s.y }))));
  }
  out.push('', c.configDiff.length ? 'config differences:' : 'configs are identical');
  if (c.configDiff.length) {
    out.push(formatTable(['field', ...c.runs.map((r) => `run ${r.id}`)], c.configDiff.map((d) => [d.path, ...d.values.map((v) => (v === undefined ? '—' : JSON.stringify(v)))])));
  }
  return out.join('\n');
}
