// The demo's last line: is the fine-tuned model clearly better than guessing?
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunDetail } from '../../common/runs.ts';

/** Number of classes, read from the exported model's config.json (id2label). */
function numLabels(exportDir: string | undefined): number | null {
  const file = exportDir ? join(exportDir, 'config.json') : null;
  if (!file || !existsSync(file)) return null;
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as { id2label?: Record<string, string> };
  return cfg.id2label ? Object.keys(cfg.id2label).length : null;
}

export function demoVerdict(r: RunDetail): string {
  if (r.status !== 'completed') return `demo did not complete (${r.status}); see \`octet runs show ${r.id}\``;
  const exported = r.exports.at(-1)?.path;
  if (r.task === 'classification') {
    const acc = r.finalMetrics.accuracy ?? Number.NaN;
    const k = numLabels(exported);
    const chance = k ? 1 / k : Number.NaN;
    const verdict = acc > chance + 0.2 ? 'clearly above chance' : 'NOT clearly above chance';
    return `demo: validation accuracy ${(100 * acc).toFixed(1)} % vs ${(100 * chance).toFixed(1)} % chance (${k} classes) — ${verdict}; run ${r.id}; exported to ${exported ?? '(not exported)'}`;
  }
  return `demo: validation BLEU ${(r.finalMetrics.bleu ?? Number.NaN).toFixed(1)} (0 for a model that knows nothing), ROUGE-L ${(r.finalMetrics.rouge_l ?? Number.NaN).toFixed(3)}; run ${r.id}; exported to ${exported ?? '(not exported)'}`;
}
