// Resident memory of this process or of another one (the trainer child), in bytes.
import { readFileSync } from 'node:fs';

/** RSS of this process. */
export function ownRss(): number {
  return process.memoryUsage.rss();
}

/**
 * RSS of another process from /proc/<pid>/statm (Linux: second field, in pages). Returns null where
 * /proc is absent (macOS, Windows) or the process is gone.
 */
export function rssOfPid(pid: number, pageSize = 4096): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/statm`, 'utf8').trim().split(/\s+/);
    const pages = Number(fields[1]);
    return Number.isFinite(pages) ? pages * pageSize : null;
  } catch {
    return null;
  }
}
