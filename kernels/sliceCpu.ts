// cpu's Slice for a slice that is not one contiguous range (a column block, RoBERTa's <s> corner of
// [B, L, H], the last position of a decoder's hidden states): the stock kernel copies it element by
// element through index arithmetic (0.4 ms for a 32 × 31 int32 block, 1.2 ms for [8, 1, 256] of
// [8, 128, 256]); this one copies each contiguous innermost run. Contiguous slices (views) and strings
// go to the stock kernel.
import type { KernelConfig, KernelFunc, SliceAttrs, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import { slice_util, util } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

export function sliceByRuns(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { begin, size } = args.attrs as unknown as SliceAttrs;
    const [start, extent] = slice_util.parseSliceParams(x as never, begin, size);
    if (x.dtype === 'string' || extent.length === 0 || slice_util.isSliceContinous(x.shape, start, extent)) return stock.kernelFunc(args);
    slice_util.assertParamsValid(x as never, start, extent);
    const cpu = args.backend as MathBackendCPU;
    const values = cpu.data.get(x.dataId)!.values as TypedArray;
    const out = util.getTypedArrayFromDType(x.dtype, util.sizeFromShape(extent)) as TypedArray;
    const rank = extent.length;
    const strides = [...util.computeStrides(x.shape), 1];
    const run = extent[rank - 1];
    const index = new Array<number>(rank - 1).fill(0);
    for (let o = 0; o < out.length; o += run) {
      let from = start[rank - 1];
      for (let a = 0; a < rank - 1; a++) from += (start[a] + index[a]) * strides[a];
      out.set(values.subarray(from, from + run), o);
      // The next run: the last leading axis first.
      for (let a = rank - 2; a >= 0 && ++index[a] === extent[a]; a--) index[a] = 0;
    }
    return cpu.makeTensorInfo(extent, x.dtype, out);
  };
  return { ...stock, kernelFunc };
}
