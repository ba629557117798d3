// Resident memory of this process or of another one (the trainer child), in bytes.
import { readFileSync } from 'node:fs';

/** RSS of this process. */
export function ownRss(): number {
  return process.memoryUsage.rss();
}

/**
 * RSS of another process from /proc/<pid>/status ("VmRSS: 123456 kB", independent of the page size).
 * Null where /proc is absent (macOS, Windows) or the process is gone.
 */
export function rssOfPid(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
