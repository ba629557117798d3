import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAP_IDENTITIES, SIGNED_DYNAMIC_MAP, UNSIGNED_DYNAMIC_MAP } from './maps.ts';
import { VECTOR_DIRS } from './testing.ts';

const bits = (m: Float32Array) => Array.from(new Uint32Array(m.buffer, m.byteOffset, 256), (b) => b.toString(16).padStart(8, '0'));

describe('dynamic maps', () => {
  for (const [name, map] of [['signed', SIGNED_DYNAMIC_MAP], ['unsigned', UNSIGNED_DYNAMIC_MAP]] as const) {
    it(`${name}: every float32 bit pattern equals dynamic_map_${name}.json`, () => {
      const json = JSON.parse(readFileSync(join(VECTOR_DIRS[0], `dynamic_map_${name}.json`), 'utf8')) as { float32_bits_hex: string[]; values: number[] };
      expect(bits(map)).toEqual(json.float32_bits_hex);
      expect(Array.from(map)).toEqual(json.values);
    });
  }

  it('have the structure the spec describes (§1a table)', () => {
    const s = SIGNED_DYNAMIC_MAP;
    expect(s[127]).toBe(0);
    expect(Object.is(s[127], 0)).toBe(true);
    expect(s[255]).toBe(1);
    expect(s[0]).toBe(Math.fround(-0.99296875));
    expect(Array.from(s).filter((v) => v < 0)).toHaveLength(127);
    expect(Array.from(s).includes(-1)).toBe(false);
    expect(UNSIGNED_DYNAMIC_MAP[0]).toBe(0);
    expect(UNSIGNED_DYNAMIC_MAP[255]).toBe(1);
    expect(UNSIGNED_DYNAMIC_MAP[254]).toBe(Math.fround(0.996484375));
    for (const m of [s, UNSIGNED_DYNAMIC_MAP]) for (let i = 1; i < 256; i++) expect(m[i]).toBeGreaterThan(m[i - 1]);
  });

  it('identities differ between the maps and are stable hashes of the bytes', () => {
    expect(MAP_IDENTITIES['dynamic-signed'].fnv1a32).not.toBe(MAP_IDENTITIES['dynamic-unsigned'].fnv1a32);
    expect(MAP_IDENTITIES['dynamic-signed'].fnv1a32).toMatch(/^[0-9a-f]{8}$/);
  });
});
