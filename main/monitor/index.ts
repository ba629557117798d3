// The monitor's public surface. Typical use in the trainer process (where TensorFlow.js lives):
//
//   const tracker = trackTensorPeak(tf.engine() as unknown as EngineLike);   // before the model loads
//   const monitor = new SystemMonitor({
//     onSample: (s) => send({ type: 'system', samples: [s] }),                // stored + live events
//     tensorBytes: () => tracker.current(),
//     tensorPeakBytes: () => tracker.peak(),
//     step: () => currentStep,
//     peakSource: backend === 'tensorflow-gpu' ? 'gpu' : 'tensors',
//   });
//   monitor.start();                      // first sample now, then every 500 ms
//   if (monitor.gpuNote) log(monitor.gpuNote);
//   ... train ...
//   await monitor.stop();                 // one last sample
//   const measured = monitor.measuredPeakBytes();   // { bytes, kind: 'gpu' | 'tensors' }
//   const predicted = predictedPeakFor(plan, measured.kind);   // main/planner/fromRunConfig.ts
export { SystemMonitor, defaultGpuIndex, type MonitorPeaks, type SystemMonitorOptions } from './systemMonitor.ts';
export { createGpuProbe, detectGpus, type GpuProbe, type GpuProbeOptions, type GpuProbeResult, type GpuSource } from './gpuProbe.ts';
export { parseNvidiaSmiCsv, queryNvidiaSmi, NVIDIA_SMI_ARGS, type GpuQuery, type NvidiaSmiOptions } from './nvidiaSmi.ts';
export { ownRss, rssOfPid } from './processMemory.ts';
