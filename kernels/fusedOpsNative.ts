// The fused ops of common/fusedKernels.ts (GELU and gated GELU, LayerNorm / RMS norm, dropout, the
// cross-entropy gradient), forward and backward,
// for `cpu` and `wasm`, computed natively (native/src/kernels/fusedOps.cc). One pass per op instead of
// the 5–15 composed kernels (and their temporaries) each replaces. Without the addon they are not
// registered and models/ composes the same formulas from TensorFlow.js ops.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, type DropoutAttrs, type GeluAttrs, type NormAttrs } from '../common/fusedKernels.ts';
import type { TensorKernelsNative } from '../native/tensorKernels.ts';
import { aleaState, keptWords } from './alea.ts';
import { assertFloat32, tensorIo } from './tensorIo.ts';

const tanhForm = (attrs: unknown) => (attrs as GeluAttrs).approximate === 'tanh';

/** Throws unless every given tensor has the shape of the first. */
function sameShapes(kernel: string, what: string, ...ts: TensorInfo[]): void {
  if (ts.some((t) => !util.arraysEqual(t.shape, ts[0].shape))) throw new Error(`${kernel}: ${what} must have the same shape`);
}

// gelu(x), or gated (T5's FFN) gelu(gate)·up.
const gelu = (native: TensorKernelsNative, gated: boolean): KernelFunc => ({ inputs, backend, attrs }) => {
  const named = inputs as Record<string, TensorInfo>;
  const x = gated ? named.gate : named.x;
  const up = gated ? named.up : null;
  assertFloat32('Octet fused kernels', x, up ?? undefined);
  if (up) sameShapes(FUSED_KERNELS.gatedGelu, 'gate and up', x, up);
  const io = tensorIo(backend);
  const out = io.make([...x.shape]);
  if (util.sizeFromShape(x.shape) > 0) native.gelu(io.f32(x)!, io.f32(out)!, tanhForm(attrs), null, up ? io.f32(up)! : null);
  return out;
};

// dx = dy · gelu'(x); gated: [dgate = (dy · up) · gelu'(gate), dup = dy · gelu(gate)].
const geluGrad = (native: TensorKernelsNative, gated: boolean): KernelFunc => ({ inputs, backend, attrs }) => {
  const named = inputs as Record<string, TensorInfo>;
  const { dy } = named;
  const x = gated ? named.gate : named.x;
  const up = gated ? named.up : null;
  assertFloat32('Octet fused kernels', dy, x, up ?? undefined);
  if (up) sameShapes(FUSED_KERNELS.gatedGeluGrad, 'dy, gate and up', x, dy, up);
  else sameShapes(FUSED_KERNELS.geluGrad, 'dy and x', x, dy);
  const io = tensorIo(backend);
  const dx = io.make([...x.shape]);
  const dup = up ? io.make([...x.shape]) : null;
  if (util.sizeFromShape(x.shape) > 0) native.gelu(io.f32(x)!, io.f32(dx)!, tanhForm(attrs), io.f32(dy)!, up ? io.f32(up)! : null, dup ? io.f32(dup)! : null);
  return dup ? [dx, dup] : dx;
};

const norm = (native: TensorKernelsNative): KernelFunc => ({ inputs, backend, attrs }) => {
  const { x, weight, bias } = inputs as { x: TensorInfo; weight: TensorInfo; bias?: TensorInfo };
  const { eps, rms } = attrs as unknown as NormAttrs;
  assertFloat32('Octet fused kernels', x, weight, bias);
  const h = x.shape[x.shape.length - 1];
  const rows = util.sizeFromShape(x.shape) / h;
  if (util.sizeFromShape(weight.shape) !== h || (!rms && (!bias || util.sizeFromShape(bias.shape) !== h))) throw new Error('OctetNorm: weight/bias must have the last dimension of x');
  const io = tensorIo(backend);
  const y = io.make([...x.shape]);
  const xhat = io.make([...x.shape]);
  const rstd = io.make([...x.shape.slice(0, -1), 1]);
  if (rows > 0) native.norm(io.f32(x)!, io.f32(weight)!, rms ? null : io.f32(bias!)!, io.f32(y)!, io.f32(xhat)!, io.f32(rstd)!, rows, h, eps, rms);
  return [y, xhat, rstd];
};

const normGrad = (native: TensorKernelsNative): KernelFunc => ({ inputs, backend, attrs }) => {
  const { dy, xhat, rstd, weight } = inputs as { dy: TensorInfo; xhat: TensorInfo; rstd: TensorInfo; weight: TensorInfo };
  const { rms } = attrs as unknown as NormAttrs;
  assertFloat32('Octet fused kernels', dy, xhat, rstd, weight);
  const h = xhat.shape[xhat.shape.length - 1];
  const rows = util.sizeFromShape(xhat.shape) / h;
  const io = tensorIo(backend);
  const dx = io.make([...xhat.shape]);
  const dw = io.make([h]);
  const db = rms ? null : io.make([h]);
  native.normGrad(io.f32(dy)!, io.f32(xhat)!, io.f32(rstd)!, io.f32(weight)!, io.f32(dx)!, io.f32(dw)!, db ? io.f32(db)! : null, rows, h, rms);
  return db ? [dx, dw, db] : [dx, dw];
};

// y = dropout(x); with the residual (OctetDropoutAdd, inputs x and r): y = x + dropout(r).
const dropout = (native: TensorKernelsNative, residual: boolean): KernelFunc => ({ inputs, backend, attrs }) => {
  const named = inputs as Record<string, TensorInfo>;
  const dropped = residual ? named.r : named.x;
  const added = residual ? named.x : null;
  const { rate, seed } = attrs as unknown as DropoutAttrs;
  assertFloat32('Octet fused kernels', dropped, added ?? undefined);
  if (added) sameShapes(FUSED_KERNELS.dropoutAdd, 'x and r', added, dropped);
  const io = tensorIo(backend);
  const y = io.make([...dropped.shape]);
  // Which multipliers are not 0, one bit each: the gradient's only need, 1/32 of the multipliers.
  const kept = io.make([keptWords(util.sizeFromShape(dropped.shape))], 'int32');
  if (util.sizeFromShape(dropped.shape) > 0) native.dropout(io.f32(dropped)!, io.f32(y)!, io.i32(kept)!, rate, aleaState(String(seed)), added ? io.f32(added)! : null);
  return [y, kept];
};

const dropoutGrad = (native: TensorKernelsNative): KernelFunc => ({ inputs, backend, attrs }) => {
  const { dy, kept } = inputs as Record<'dy' | 'kept', TensorInfo>;
  const { rate } = attrs as unknown as DropoutAttrs;
  assertFloat32('Octet fused kernels', dy);
  const n = util.sizeFromShape(dy.shape);
  if (kept.dtype !== 'int32' || util.sizeFromShape(kept.shape) !== keptWords(n)) throw new Error("OctetDropoutGrad: kept must be OctetDropout's int32 bits for dy's shape");
  const io = tensorIo(backend);
  const dx = io.make([...dy.shape]);
  if (n > 0) native.dropoutGrad(io.f32(dy)!, io.i32(kept)!, io.f32(dx)!, rate);
  return dx;
};

const crossEntropyGrad = (native: TensorKernelsNative): KernelFunc => ({ inputs, backend }) => {
  const { logits, lse, labels, scale } = inputs as Record<'logits' | 'lse' | 'labels' | 'scale', TensorInfo>;
  assertFloat32('Octet fused kernels', logits, lse, scale);
  if (labels.dtype !== 'int32') throw new Error(`OctetCrossEntropyGrad takes int32 labels, got ${labels.dtype}`);
  if (logits.shape.length !== 2) throw new Error('OctetCrossEntropyGrad: logits must be [rows, classes]');
  const [rows, classes] = logits.shape;
  if (util.sizeFromShape(lse.shape) !== rows || util.sizeFromShape(labels.shape) !== rows || util.sizeFromShape(scale.shape) !== rows)
    throw new Error('OctetCrossEntropyGrad: lse, labels and scale need one value per row of the logits');
  const io = tensorIo(backend);
  const out = io.make([rows, classes]);
  if (rows > 0) native.crossEntropyGrad(io.f32(logits)!, io.f32(lse)!, io.i32(labels)!, io.f32(scale)!, io.f32(out)!, rows, classes);
  return out;
};

export function fusedOpsNativeKernels(native: TensorKernelsNative, backendName: 'cpu' | 'wasm'): KernelConfig[] {
  return [
    { kernelName: FUSED_KERNELS.gelu, backendName, kernelFunc: gelu(native, false) },
    { kernelName: FUSED_KERNELS.gatedGelu, backendName, kernelFunc: gelu(native, true) },
    { kernelName: FUSED_KERNELS.gatedGeluGrad, backendName, kernelFunc: geluGrad(native, true) },
    { kernelName: FUSED_KERNELS.geluGrad, backendName, kernelFunc: geluGrad(native, false) },
    { kernelName: FUSED_KERNELS.norm, backendName, kernelFunc: norm(native) },
    { kernelName: FUSED_KERNELS.normGrad, backendName, kernelFunc: normGrad(native) },
    { kernelName: FUSED_KERNELS.dropout, backendName, kernelFunc: dropout(native, false) },
    { kernelName: FUSED_KERNELS.dropoutGrad, backendName, kernelFunc: dropoutGrad(native) },
    { kernelName: FUSED_KERNELS.dropoutAdd, backendName, kernelFunc: dropout(native, true) },
    { kernelName: FUSED_KERNELS.crossEntropyGrad, backendName, kernelFunc: crossEntropyGrad(native) },
  ];
}
