// Byte sizes as people write them ("6GB", "11 GiB", "6144MB") and as the planner prints them.
//
// Convention: every unit is binary. "GB" means GiB (2^30 bytes), "MB" means MiB (2^20), and so on.
// GPU vendors sell memory in binary units under decimal names: a "6 GB" RTX 2060 has 6144 MiB
// (nvidia-smi reports memory.total 6144), an "11 GB" GTX 1080 Ti / RTX 2080 Ti has 11264 MiB, a
// "24 GB" RTX 3090 has 24576 MiB. Reading "6GB" as 6·10^9 would understate such a card by 7 %.
// A bare number is bytes.

const UNITS: Record<string, number> = {
  b: 1,
  k: 2 ** 10, kb: 2 ** 10, kib: 2 ** 10,
  m: 2 ** 20, mb: 2 ** 20, mib: 2 ** 20,
  g: 2 ** 30, gb: 2 ** 30, gib: 2 ** 30,
  t: 2 ** 40, tb: 2 ** 40, tib: 2 ** 40,
};

export const BYTE_SIZE_HELP =
  'a number with a unit, e.g. "6GB", "11 GiB", "6144MB" or "512MiB" (units B, KB, MB, GB, TB; GB = GiB = 2^30 bytes, as GPU makers count)';

/** Parses "6GB" | "11 GiB" | "6144MB" | "1.5g" | "123456" into bytes; throws a user-readable error. */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? (m[2] ?? '').toLowerCase() : '';
  const factor = m ? (unit === '' ? 1 : UNITS[unit]) : undefined;
  if (!m || factor === undefined) {
    throw new Error(`cannot read the size "${text}": expected ${BYTE_SIZE_HELP}`);
  }
  const bytes = Math.round(Number(m[1]) * factor);
  if (!(bytes > 0) || !Number.isSafeInteger(bytes)) {
    throw new Error(`the size "${text}" must be more than 0 bytes and finite; expected ${BYTE_SIZE_HELP}`);
  }
  return bytes;
}

/** 6442450944 → "6.00 GiB"; 1536 → "1.50 KiB"; 12 → "12 B". */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  if (v < 1024) return `${sign}${Math.round(v)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${sign}${v.toFixed(2)} ${units[i]}`;
}
