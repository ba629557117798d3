// Export: copies a checkpoint's Hugging Face folder (weights, config, tokenizer) out of the run
// and writes a model card with the run's config and metrics.
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { ExportInfo, RunDetail, RunId } from '../../common/runs.ts';
import { folderSize } from '../files.ts';
import type { ExperimentStore } from '../store/index.ts';
import { checkpointModelDir } from '../trainer/checkpointLayout.ts';

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'run';
}

const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));

export function modelCard(run: RunDetail, step: number): string {
  const metrics = Object.entries(run.finalMetrics);
  const front = {
    library_name: 'transformers',
    tags: ['octet-studio', `optimizer-${run.optimizer}`, run.task ?? 'fine-tuned'],
    pipeline_tag: run.task === 'seq2seq' ? 'text2text-generation' : 'text-classification',
  };
  return [
    '---',
    toYaml(front).trim(),
    '---',
    '',
    `# ${run.name}`,
    '',
    `Fine-tuned with Octet Studio from \`${run.model}\` on \`${run.dataset}\`,`,
    `optimizer \`${run.optimizer}\` (block-wise ${run.optimizer.includes('8bit') ? '8-bit' : '32-bit'} state), backend \`${run.backend ?? '?'}\`, exported at step ${step}.`,
    '',
    '## Metrics',
    '',
    ...(run.bestMetric ? [`Best ${run.bestMetric.name}: ${fmt(run.bestMetric.value)} (step ${run.bestMetric.step})`, ''] : []),
    ...(metrics.length ? ['| metric | value |', '|---|---|', ...metrics.map(([k, v]) => `| ${k} | ${fmt(v)} |`)] : ['(no evaluation recorded)']),
    '',
    '## Training configuration',
    '',
    '```yaml',
    toYaml(run.config).trim(),
    '```',
    '',
    '## Use',
    '',
    '```python',
    run.task === 'seq2seq'
      ? 'from transformers import AutoTokenizer, AutoModelForSeq2SeqLM\nmodel = AutoModelForSeq2SeqLM.from_pretrained("<this folder>")'
      : 'from transformers import AutoTokenizer, AutoModelForSequenceClassification\nmodel = AutoModelForSequenceClassification.from_pretrained("<this folder>")',
    'tokenizer = AutoTokenizer.from_pretrained("<this folder>")',
    '```',
    '',
  ].join('\n');
}

export function exportRun(
  store: ExperimentStore,
  dataDir: string,
  params: { id: RunId; dir?: string; checkpoint?: 'best' | 'last' },
): ExportInfo {
  const run = store.getRun(params.id);
  const which = params.checkpoint ?? 'best';
  const cp = (which === 'best' ? store.bestCheckpoint(params.id) : null) ?? store.lastCheckpoint(params.id);
  if (!cp) throw new Error(`run ${params.id} has no checkpoint to export yet (checkpoints are saved at each evaluation and when a run stops)`);
  const src = checkpointModelDir(cp.path);
  if (!existsSync(src)) throw new Error(`checkpoint folder ${src} is missing; was it deleted by hand?`);
  const dest = resolve(params.dir ?? join(dataDir, 'exports', `${slug(run.name)}-run${run.id}-step${cp.step}`));
  mkdirSync(dest, { recursive: true });
  cpSync(src, dest, { recursive: true });
  writeFileSync(join(dest, 'README.md'), modelCard(run, cp.step));
  return store.addExport(params.id, { path: dest, sizeBytes: folderSize(dest), step: cp.step });
}
