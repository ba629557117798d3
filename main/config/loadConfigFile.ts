// Reads a run config from YAML or JSON; relative paths in it are taken relative to the file.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseRunConfig, type RunConfig } from '../../common/runConfig.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function resolvePath(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Resolves the file paths inside a raw config object (before validation) against `baseDir`. */
export function resolveConfigPaths(raw: unknown, baseDir: string): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const cfg = { ...(raw as Record<string, unknown>) };
  if (typeof cfg.model === 'string') cfg.model = resolvePath(baseDir, cfg.model);
  if (cfg.dataset && typeof cfg.dataset === 'object') {
    const ds = { ...(cfg.dataset as Record<string, unknown>) };
    for (const k of ['train', 'validation'] as const) if (typeof ds[k] === 'string') ds[k] = resolvePath(baseDir, ds[k] as string);
    cfg.dataset = ds;
  }
  return cfg;
}

export function loadConfigFile(path: string): RunConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  const res = parseRunConfig(resolveConfigPaths(raw, dirname(resolve(path))));
  if (!res.ok) throw new ConfigError(`${path} has ${res.errors.length} problem(s):\n  ${res.errors.join('\n  ')}`);
  return res.config;
}
