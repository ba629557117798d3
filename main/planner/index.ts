// The planner's public surface for the run manager, the server and the CLI.
export { planRun, planForArch, verdictFor } from './plan.ts';
export { planInputFromRunConfig, predictedPeakFor, type RunPlanContext } from './fromRunConfig.ts';
export { parseByteSize, formatBytes, BYTE_SIZE_HELP } from './byteSize.ts';
export { formatPlan } from './formatPlan.ts';
export { trackTensorPeak, type TensorPeakTracker, type EngineLike } from './tensorPeak.ts';
export { KNOWN_MODELS } from './knownModels.ts';
