// optim/ — 8-bit block-wise optimizers for TensorFlow.js ("8-bit Optimizers via Block-wise Quantization",
// Dettmers et al.; arithmetic of bitsandbytes, see docs/8bit-optimizers.md).
//
// The public API is small:
//
//   createOptimizer(name, options)   -> BlockwiseOptimizer (a tf.Optimizer)
//     name:    an OptimizerName from common/optimizers.ts ('adamw8bit', 'adam32bit', 'lion8bit', ...)
//     options: learningRate, beta1, beta2 (or momentum / alpha), epsilon, weightDecay,
//              blockSize (64..4096, default 2048), min8bitSize (default 4096: smaller tensors keep 32-bit
//              state), overrides (ParamOverride[]: per tf variable name stateBits / lr / weightDecay),
//              kernel ('auto' | 'reference' | 'fused-js' | 'fused-native' | 'composed')
//   optimizer.applyGradients(grads) / optimizer.minimize(f)      the tf.Optimizer contract
//   optimizer.getWeights() / optimizer.setWeights(weights)       idem (names "<variable>/state1", ...)
//   optimizer.setLearningRate(lr)                                for schedules
//   optimizer.kernelName / pickKernel(backendName)               which kernel runs ('auto' picks it)
//   optimizer.stateBytes() / optimizer.stateSummary()            memory and per-variable bits
//   saveStateFile(optimizer, path) / loadStateFile(optimizer, path)
//   saveStateBytes(optimizer) -> Uint8Array (a Buffer works too) / loadStateBytes(optimizer, bytes)
//
// Example (the trainer):
//
//   import { createOptimizer, saveStateFile, loadStateFile } from '../optim/index.ts';
//   const opt = createOptimizer('adamw8bit', {
//     learningRate: 2e-5, weightDecay: 0.01, blockSize: 2048,
//     overrides: model.optimizerOverrides,          // e.g. [{ variableName: 'emb/weight', stateBits: 32 }]
//   });                                             // kernel 'auto': fused native/JS on cpu+wasm, composed elsewhere
//   for (...) { opt.setLearningRate(schedule(step)); opt.minimize(() => loss(batch)); }
//   await saveStateFile(opt, 'run/optimizer.oct8');  // later: await loadStateFile(opt, 'run/optimizer.oct8')
//
// Everything else (quantization, maps, kernels, vector files) is exported for tests, the conformance
// command and the benchmark.
export { createOptimizer, optimizerOptionsSchema } from './factory.ts';
export type { OptimizerOptions } from './factory.ts';
export { BlockwiseOptimizer } from './optimizer.ts';
export type { StateSnapshot } from './optimizer.ts';
export { saveStateBytes, loadStateBytes, saveStateFile, loadStateFile, encodeState, decodeState, STATE_MAGIC, STATE_VERSION } from './stateFile.ts';
export type { StateHeader } from './stateFile.ts';
export { ALGORITHMS, stepScalars, UPDATE_RULES } from './algorithms.ts';
export type { Algorithm, Hyper, StepScalars, UpdateRule } from './algorithms.ts';
export { availableKernels, getKernel, isKernelName, listKernels, pickKernel, registerKernel } from './kernel/registry.ts';
export { KERNEL_NAMES } from './kernel/types.ts';
export type { ArrayKernel, KernelName, OptimKernel, SlotTensors } from './kernel/types.ts';
export { referenceArrayKernel } from './kernel/reference.ts';
export { fusedJsArrayKernel } from './kernel/fusedJs.ts';
export { nativeArrayKernel, nativeKernelInfo } from './kernel/fusedNative.ts';
export { SIGNED_DYNAMIC_MAP, UNSIGNED_DYNAMIC_MAP, MAP_IDENTITIES } from './maps.ts';
export { quantizeBlockwise, dequantizeBlockwise, numBlocks, packCodes, unpackCodes, checkBlockSize } from './quantize.ts';
export { parseVectorFile, parseLenientJson } from './vectors.ts';
export type { VectorCase, TrajectoryCase, QuantCase, MapCase } from './vectors.ts';
export { runConformance, CONFORMANCE_TOLERANCES } from './conformance.ts';
export type { ConformanceRow } from './conformance.ts';
