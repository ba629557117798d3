// How the composed kernel cuts a tensor into chunks (no tfjs here: the VRAM planner imports it too).
// Each chunk is a whole number of blocks, so its absmax values are its own, and a multiple of 4
// elements, so its codes are whole int32 words of the packed state. Everything a chunk's update makes
// lives only while that chunk runs; what stays is the updated parameter and state of the chunks done.

/** Elements per chunk by default (2^21: a multiple of every block size 64..4096; 8 MiB per float32 copy). */
export const COMPOSED_CHUNK_ELEMENTS = 1 << 21;

/** The chunk length actually used: a whole number of blocks, at least one block. */
export function chunkLength(chunkElements: number, blockSize: number): number {
  return Math.max(blockSize, Math.floor(chunkElements / blockSize) * blockSize);
}

export interface ChunkRange {
  /** first element */
  start: number;
  /** valid elements (the last chunk may be shorter, and its last block partial) */
  length: number;
}

export function chunkRanges(n: number, chunk: number): ChunkRange[] {
  const out: ChunkRange[] = [];
  for (let start = 0; start < n; start += chunk) out.push({ start, length: Math.min(chunk, n - start) });
  return out;
}
