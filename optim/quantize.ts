// Block-wise quantize / dequantize (spec §1b) and the one-byte-per-code packing used by every kernel.
import { BLOCK_SIZES } from '../common/optimizers.ts';
import { fround } from './f32.ts';
import { SIGNED_DYNAMIC_MAP } from './maps.ts';
import { quantizeCodeTree } from './search.ts';

export function numBlocks(n: number, blockSize: number): number {
  return Math.ceil(n / blockSize);
}

/** Throws a user-facing error unless blockSize is one of the powers of two 64..4096. */
export function checkBlockSize(blockSize: number): void {
  if (!(BLOCK_SIZES as readonly number[]).includes(blockSize)) {
    throw new Error(`block size ${blockSize} is not supported; use one of ${BLOCK_SIZES.join(', ')} (a power of two 64..4096)`);
  }
}

export interface Quantized {
  codes: Uint8Array;
  absmax: Float32Array;
}

/**
 * kQuantizeBlockwise: per block absmax = max|x| over its valid elements (a partial last block has its own),
 * normalised value x * float32(1/absmax), nearest code by the 7-probe tree (ties to the even index, NaN -> 0).
 * The default map is the signed one, as in bitsandbytes.
 */
export function quantizeBlockwise(x: Float32Array, blockSize: number, code: Float32Array = SIGNED_DYNAMIC_MAP): Quantized {
  const n = x.length;
  const nb = numBlocks(n, blockSize);
  const codes = new Uint8Array(n);
  const absmax = new Float32Array(nb);
  for (let k = 0; k < nb; k++) {
    const start = k * blockSize;
    const end = Math.min(start + blockSize, n);
    let am = 0; // zero padding never raises the max; NaN propagates as numpy's max does
    for (let i = start; i < end; i++) {
      const a = Math.abs(x[i]);
      if (a > am || a !== a) am = a;
      if (am !== am) break;
    }
    absmax[k] = am;
    const inv = fround(1 / am);
    for (let i = start; i < end; i++) codes[i] = quantizeCodeTree(code, fround(x[i] * inv));
  }
  return { codes, absmax };
}

/** kDequantizeBlockwise: out[j] = code[q[j]] * absmax[j / blockSize] in float32. */
export function dequantizeBlockwise(codes: Uint8Array, absmax: Float32Array, blockSize: number, code: Float32Array = SIGNED_DYNAMIC_MAP): Float32Array {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = fround(code[codes[i]] * absmax[Math.floor(i / blockSize)]);
  return out;
}

/** Int32 elements that hold n one-byte codes, four per element (little-endian byte order). */
export function packedLength(n: number): number {
  return Math.ceil(n / 4);
}

/** The first n bytes of a packed Int32Array, as a live Uint8Array view (no copy). */
export function codeBytes(packed: Int32Array, n: number): Uint8Array {
  return new Uint8Array(packed.buffer, packed.byteOffset, n);
}

export function packCodes(codes: Uint8Array): Int32Array {
  const packed = new Int32Array(packedLength(codes.length));
  codeBytes(packed, codes.length).set(codes);
  return packed;
}

export function unpackCodes(packed: Int32Array, n: number): Uint8Array {
  return codeBytes(packed, n).slice();
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
if (!littleEndian) throw new Error('optim: big-endian platforms are not supported (codes are packed little-endian)');
