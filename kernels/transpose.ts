// Cache-tiled transpose of the last two axes, for kernels that want a contiguous transposed operand.
const TILE = 32;

/** dst[b, c, r] = src[b, r, c] for `batch` matrices of rows × cols, starting at the given offsets. */
export function transposeLastTwo(src: Float32Array, dst: Float32Array, batch: number, rows: number, cols: number): void {
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const s0 = b * size;
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, rows);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, cols);
        for (let r = r0; r < r1; r++) {
          const srcRow = s0 + r * cols;
          for (let c = c0; c < c1; c++) dst[s0 + c * rows + r] = src[srcRow + c];
        }
      }
    }
  }
}
