// Identity for `wasm` that shares the input's buffer (reference-counted), as the cpu backend's does.
// The stock wasm kernel copies, and tfjs-core clones every tensor it saves for the backward pass
// through Identity: on wasm each weight used in a matmul was copied for the tape, a third copy of the
// model next to the weights and their gradients. Tensors are immutable; code that writes a buffer in
// place must check its reference count first (optim/ does: ensurePrivate).
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Identity } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const identity: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

export const identityWasm: KernelConfig = { kernelName: Identity, backendName: 'wasm', kernelFunc: identity };
