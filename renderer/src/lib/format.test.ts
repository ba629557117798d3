import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatMetric, parseCapacity } from './format.ts';

describe('format', () => {
  it('bytes, durations, counts and metrics', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(6 * 2 ** 30)).toBe('6.0 GiB');
    expect(formatDuration(59_400)).toBe('59s');
    expect(formatDuration(61_000)).toBe('1m 01s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatCount(355_000_000)).toBe('355.0M');
    expect(formatMetric(0.123456)).toBe('0.1235');
    expect(formatMetric(2e-5)).toBe('2.00e-5');
  });

  it('reads GPU capacities as GPU makers write them (GB = GiB)', () => {
    expect(parseCapacity('6GB')).toBe(6 * 2 ** 30);
    expect(parseCapacity('11 GiB')).toBe(11 * 2 ** 30);
    expect(parseCapacity('6144MB')).toBe(6 * 2 ** 30);
    expect(parseCapacity('lots')).toBeNull();
  });
});
