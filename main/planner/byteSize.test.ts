import { describe, expect, it } from 'vitest';
import { formatBytes, parseByteSize } from './byteSize.ts';

describe('parseByteSize (binary units: GB = GiB = 2^30, as GPU makers count)', () => {
  it('reads the ways people write GPU sizes', () => {
    expect(parseByteSize('6GB')).toBe(6 * 1024 ** 3);
    expect(parseByteSize('11 GiB')).toBe(11 * 1024 ** 3);
    expect(parseByteSize('6144MB')).toBe(6 * 1024 ** 3); // nvidia-smi's memory.total of a 6 GB card
    expect(parseByteSize('11264 MiB')).toBe(11 * 1024 ** 3); // GTX 1080 Ti
    expect(parseByteSize('1.5g')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('512kb')).toBe(512 * 1024);
    expect(parseByteSize('2TB')).toBe(2 * 1024 ** 4);
    expect(parseByteSize('123456')).toBe(123456);
    expect(parseByteSize(' 24 gb ')).toBe(24 * 1024 ** 3);
  });

  it('rejects what it cannot read, naming the accepted forms', () => {
    for (const bad of ['', 'GB', '6 XB', '-1GB', '0', '6GB6', 'six GB', '1e3GB']) {
      expect(() => parseByteSize(bad), bad).toThrow(/expected a number with a unit, e\.g\. "6GB"|must be more than 0/);
    }
  });

  it('formats bytes in binary units', () => {
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(6 * 1024 ** 3)).toBe('6.00 GiB');
  });
});
