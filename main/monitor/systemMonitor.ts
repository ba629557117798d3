// Samples GPU memory/utilisation/temperature, process RSS and tensor bytes about every 500 ms while a
// run trains, hands each SystemSample to a callback (the run manager stores them and sends them as
// live events) and keeps the peaks. Without a GPU it says so once (gpuNote) and keeps sampling RSS and
// tensor bytes, which then are the measured peak.
import type { SystemSample } from '../../common/runs.ts';
import { createGpuProbe, type GpuProbe, type GpuSource } from './gpuProbe.ts';
import { ownRss } from './processMemory.ts';

export interface SystemMonitorOptions {
  /** Called with every sample, in time order. */
  onSample: (sample: SystemSample) => void;
  /** Bytes in tensors now (TensorFlow.js lives in the trainer: e.g. () => tracker.current()). */
  tensorBytes: () => number;
  /**
   * Exact peak of tensor bytes since the start (e.g. () => tracker.peak() of main/planner/tensorPeak.ts);
   * sampling every 500 ms alone misses the short peak at the end of each backward pass.
   */
  tensorPeakBytes?: () => number;
  /** Current optimizer step, or null before the first. */
  step?: () => number | null;
  /** RSS of the process that trains (default: this process). Null when unknown. */
  rss?: () => number | null;
  intervalMs?: number;
  /** Which GPU to watch (default: the first of CUDA_VISIBLE_DEVICES, else 0). */
  gpuIndex?: number;
  probe?: GpuProbe;
  now?: () => number;
  /**
   * What measuredPeakBytes() reports: "gpu" (device memory above the baseline; for tensorflow-gpu),
   * "tensors" (peak tensor bytes; for the cpu/wasm/tensorflow backends, even on a machine with a GPU),
   * or "auto" (default): the GPU when one is sampled, else tensors.
   */
  peakSource?: 'auto' | 'gpu' | 'tensors';
}

export interface MonitorPeaks {
  gpuUsedBytes: number | null;
  /** GPU memory used when monitoring started (other processes, the desktop). */
  gpuBaselineBytes: number | null;
  rssBytes: number;
  tensorBytes: number;
}

export function defaultGpuIndex(env: NodeJS.ProcessEnv = process.env): number {
  const first = (env.CUDA_VISIBLE_DEVICES ?? '').split(',')[0]?.trim();
  return first && /^\d+$/.test(first) ? Number(first) : 0;
}

export class SystemMonitor {
  readonly intervalMs: number;
  /** Plain words on why no GPU is sampled (null while a GPU is sampled, or before the first sample). */
  gpuNote: string | null = null;
  gpuSource: GpuSource = null;
  gpuName: string | null = null;
  private readonly opts: SystemMonitorOptions;
  private readonly probe: GpuProbe;
  private readonly gpuIndex: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private inFlight: Promise<void> | null = null;
  private peaks: MonitorPeaks = { gpuUsedBytes: null, gpuBaselineBytes: null, rssBytes: 0, tensorBytes: 0 };
  private count = 0;

  constructor(opts: SystemMonitorOptions) {
    this.opts = opts;
    this.intervalMs = opts.intervalMs ?? 500;
    this.probe = opts.probe ?? createGpuProbe();
    this.gpuIndex = opts.gpuIndex ?? defaultGpuIndex();
  }

  /** Takes a first sample now and then one every intervalMs (a slow probe skips ticks, never piles up). */
  start(): void {
    if (this.timer) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref?.();
  }

  /** Stops sampling after a last sample, so short runs still get their final state. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.inFlight) await this.inFlight;
    await this.sampleNow();
  }

  get sampleCount(): number {
    return this.count;
  }

  peak(): MonitorPeaks {
    return { ...this.peaks };
  }

  /**
   * The peak to store as RunSummary.measuredPeakBytes: on a GPU the device's used memory above what
   * was used before training started (comparable with the planner's total, CUDA context included);
   * without a GPU the peak of tensor bytes (comparable with the planner's tensorPeakBytes).
   */
  measuredPeakBytes(): { bytes: number; kind: 'gpu' | 'tensors' } {
    const p = this.peaks;
    const source = this.opts.peakSource ?? 'auto';
    if (source !== 'tensors' && p.gpuUsedBytes !== null) return { bytes: p.gpuUsedBytes - (p.gpuBaselineBytes ?? 0), kind: 'gpu' };
    return { bytes: p.tensorBytes, kind: 'tensors' };
  }

  /** One sample now (also used by start/stop); resolves once onSample has been called. */
  async sampleNow(): Promise<SystemSample> {
    const now = this.opts.now ?? Date.now;
    const probe = await this.probe().catch((err: unknown) => ({ source: null, gpus: [], note: `GPU probe failed: ${(err as Error).message}` }));
    const gpu = probe.gpus.find((g) => g.index === this.gpuIndex) ?? probe.gpus[0] ?? null;
    this.gpuSource = gpu ? probe.source : null;
    this.gpuName = gpu?.name ?? null;
    this.gpuNote = gpu ? null : (probe.note ?? 'No NVIDIA GPU found.');
    const sample: SystemSample = {
      time: now(),
      step: this.opts.step?.() ?? null,
      gpuUsedBytes: gpu?.memoryUsedBytes ?? null,
      gpuTotalBytes: gpu?.memoryTotalBytes ?? null,
      gpuUtilPercent: gpu?.utilizationPercent ?? null,
      gpuTemperatureC: gpu?.temperatureC ?? null,
      rssBytes: (this.opts.rss ?? ownRss)() ?? 0,
      tensorBytes: this.opts.tensorBytes(),
    };
    const p = this.peaks;
    if (sample.gpuUsedBytes !== null) {
      if (p.gpuBaselineBytes === null) p.gpuBaselineBytes = sample.gpuUsedBytes;
      p.gpuUsedBytes = Math.max(p.gpuUsedBytes ?? 0, sample.gpuUsedBytes);
    }
    p.rssBytes = Math.max(p.rssBytes, sample.rssBytes);
    p.tensorBytes = Math.max(p.tensorBytes, sample.tensorBytes, this.opts.tensorPeakBytes?.() ?? 0);
    this.count++;
    this.opts.onSample(sample);
    return sample;
  }

  private async tick(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = this.sampleNow().then(
      () => undefined,
      () => undefined,
    );
    try {
      await this.inFlight;
    } finally {
      this.inFlight = null;
    }
  }
}
