// Creates or resumes a run, follows it in the terminal and prints the summary the user needs:
// run id, status, metrics, checkpoint and export paths. Shared by train, resume and demo.
import type { RunConfig } from '../../common/runConfig.ts';
import type { RunDetail, RunId } from '../../common/runs.ts';
import { createStudioService } from '../service/createStudioService.ts';
import { UserError } from './errors.ts';
import { followRun } from './followRun.ts';
import { formatBytes, formatDuration, formatMetric } from './table.ts';

export function parseRunId(s: string): RunId {
  const id = Number(s);
  if (!Number.isInteger(id) || id <= 0) throw new UserError(`"${s}" is not a run id (a positive integer; see \`octet runs list\`)`);
  return id;
}

export interface ForegroundJob {
  config?: RunConfig;
  resumeId?: RunId;
  /** Export the best checkpoint when the run completes. */
  exportWhenDone?: boolean;
}

export async function runInForeground(
  paths: { dataDir: string; dbPath: string },
  job: ForegroundJob,
  opts: { json?: boolean; quiet?: boolean } = {},
): Promise<RunDetail> {
  const service = await createStudioService(paths);
  try {
    const run = job.config
      ? await service.createRun({ config: job.config, start: true })
      : await service.resumeRun({ id: job.resumeId as RunId });
    if (!opts.json) process.stderr.write(`run ${run.id} "${run.name}" started (database ${service.dbPath})\n`);
    const result = await followRun(service, run.id, { quiet: opts.quiet });
    let detail = await service.getRun({ id: run.id });
    if (job.exportWhenDone && result.status === 'completed') {
      await service.exportRun({ id: run.id, checkpoint: 'best' });
      detail = await service.getRun({ id: run.id });
    }
    if (opts.json) process.stdout.write(`${JSON.stringify(detail, null, 2)}\n`);
    else process.stdout.write(`${summarize(detail)}\n`);
    if (result.status !== 'completed') process.exitCode = result.status === 'stopped' ? 0 : 1;
    return detail;
  } finally {
    await service.close();
  }
}

export function summarize(r: RunDetail): string {
  const lines = [
    `run ${r.id} "${r.name}": ${r.status}${r.error ? ` — ${r.error}` : ''}`,
    `  model ${r.model} (${r.modelType ?? '?'}, ${r.task ?? '?'}), optimizer ${r.optimizer}, backend ${r.backend ?? '?'} on ${r.device ?? '?'}`,
    `  steps ${r.step}${r.totalSteps ? `/${r.totalSteps}` : ''}, epoch ${r.epoch}, time ${formatDuration(r.durationMs)}`,
  ];
  if (r.bestMetric) lines.push(`  best ${r.bestMetric.name} = ${formatMetric(r.bestMetric.value)} at step ${r.bestMetric.step}`);
  const finals = Object.entries(r.finalMetrics);
  if (finals.length) lines.push(`  final: ${finals.map(([k, v]) => `${k} ${formatMetric(v)}`).join(', ')}`);
  lines.push(`  memory: predicted peak ${formatBytes(r.predictedPeakBytes)}, measured peak ${formatBytes(r.measuredPeakBytes)}`);
  const best = r.checkpoints.find((c) => c.isBest) ?? r.checkpoints.at(-1);
  if (best) lines.push(`  checkpoint: ${best.path} (${formatBytes(best.sizeBytes)})`);
  for (const e of r.exports) lines.push(`  exported to ${e.path} (${formatBytes(e.sizeBytes)})`);
  if (r.status === 'stopped' || r.status === 'crashed' || r.status === 'failed') lines.push(`  resume with: octet resume ${r.id}`);
  return lines.join('\n');
}
