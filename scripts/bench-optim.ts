// `npm run bench:optim`: memory and speed of the 8-bit optimizers against tf.train.adam, in one run.
//
// For 1M, 16M and 64M parameters (override with OCTET_BENCH_SIZES=1,16 in millions):
// - optimizer-state bytes per parameter, measured as the tf.memory().numBytes growth of the first step
//   (that is when every optimizer creates its state): ours 8-bit (block 2048), ours 32-bit, tf.train.adam;
// - optimizer step time per parameter (gradients precomputed, best of a few steps after a warm-up step):
//   tf.train.adam on the cpu and on the wasm backend; ours on the wasm backend: 32-bit Adam (auto kernel),
//   8-bit Adam with the reference, fused JS and fused native kernels; as speed-ups over tf.train.adam;
// - the memory-bandwidth floor of an 8-bit Adam step: 16 bytes per parameter (read p, g, two codes; write
//   p, two codes) at the GB/s of a float32 triad a = b + s*c measured in the same run.
// The machine is shared: numbers move with other load; best-of-n steps damps that.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { optimNative } from '../native/optimKernels.ts';
import { createOptimizer, nativeKernelInfo } from '../optim/index.ts';
import type { KernelName, OptimizerOptions } from '../optim/index.ts';
import type { OptimizerName } from '../common/optimizers.ts';

tf.env().set('PROD', true);
const M = 1 << 20;
const sizes = (process.env.OCTET_BENCH_SIZES ?? '1,16,64').split(',').map((s) => Math.round(Number(s) * M));
const BLOCK = 2048;

interface Measure {
  nsPerParam: number;
  /** process CPU time (all threads) per parameter of the best step: the work, whatever the other load */
  cpuNsPerParam: number;
  bytesPerParam: number;
  steps: number;
  error?: string;
}

// A collection before each measurement, and a pause for V8's background sweeper and the OS to return the
// previous run's gigabytes: otherwise they compete with the next measurement for the two cores.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
async function settle(): Promise<void> {
  gc();
  gc();
  await new Promise((r) => setTimeout(r, 300));
}

/** Random-ish data fast enough for 64M elements (values do not change the kernels' speed). */
function fill(n: number, scale: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = ((x >>> 0) / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}

/**
 * One optimizer configuration: `chunks` variables of n/chunks elements (each with its own optimizer), a
 * warm-up step that creates the state (its tf.memory() growth is the state size), then the best of
 * `timedSteps` steps, each stepping every chunk once.
 */
async function measure(backend: 'cpu' | 'wasm', n: number, p0: Float32Array, g0: Float32Array, make: () => tf.Optimizer, timedSteps: number, chunks = 1): Promise<Measure> {
  await settle();
  await tf.setBackend(backend);
  const parts: Array<{ name: string; v: tf.Variable; g: tf.Tensor; opt: tf.Optimizer }> = [];
  try {
    const len = n / chunks;
    for (let c = 0; c < chunks; c++) {
      const name = `bench/${backend}/${n}/${c}/${Math.random()}`;
      parts.push({
        name,
        v: tf.variable(tf.tensor1d(p0.subarray(c * len, (c + 1) * len)), true, name),
        g: tf.tensor1d(g0.subarray(c * len, (c + 1) * len)),
        opt: make(),
      });
    }
    // cpu and wasm run every op synchronously: applyGradients returns when the step is done (reading the
    // parameters back would add a 256 MiB copy at 64M to every timing)
    const step = async () => {
      for (const { name, g, opt } of parts) opt.applyGradients({ [name]: g });
    };
    const before = tf.memory().numBytes;
    await step(); // warm-up: creates the state
    const bytesPerParam = (tf.memory().numBytes - before) / n;
    await settle();
    let best = Infinity;
    let bestCpu = Infinity;
    for (let s = 0; s < timedSteps; s++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await step();
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      if (wall < best) {
        best = wall;
        bestCpu = (cpu.user + cpu.system) / 1000;
      }
    }
    return { nsPerParam: (best * 1e6) / n, cpuNsPerParam: (bestCpu * 1e6) / n, bytesPerParam, steps: timedSteps };
  } catch (err) {
    return { nsPerParam: NaN, cpuNsPerParam: NaN, bytesPerParam: NaN, steps: 0, error: (err as Error).message.split('\n')[0] };
  } finally {
    for (const { v, g, opt } of parts) {
      opt.dispose();
      v.dispose();
      g.dispose();
    }
  }
}

const ours = (name: OptimizerName, kernel: KernelName | 'auto', extra: OptimizerOptions = {}) => () =>
  createOptimizer(name, { kernel, blockSize: BLOCK, learningRate: 1e-3, ...extra });

function triadGBs(): { gbs: number; how: string } {
  const native = optimNative(() => {});
  if (native) return { gbs: native.triad(32 * M, 10), how: `native triad, ${native.threads()} threads, 3 x 128 MiB float32, best of 10` };
  const n = 16 * M;
  const a = new Float32Array(n);
  const b = fill(n, 1, 3);
  const c = fill(n, 1, 4);
  let best = Infinity;
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) a[i] = b[i] + 3 * c[i];
    best = Math.min(best, performance.now() - t0);
  }
  return { gbs: (12 * n) / (best * 1e6), how: 'JS triad (no native addon), 1 thread, 3 x 64 MiB float32' };
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const speedup = (base: number, x: number) => (Number.isFinite(base) && Number.isFinite(x) ? `${(base / x).toFixed(base / x >= 10 ? 0 : 1)}×` : 'n/a');

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const info = nativeKernelInfo();
  const started = performance.now();
  console.log(`bench:optim — ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}`);
  console.log(`native kernel: ${info ? `${info.threads} threads, ${info.simd}` : 'not available (fused JS only)'}; 8-bit block size ${BLOCK}`);
  const triad = triadGBs();
  const floorNs = 16 / triad.gbs; // 16 bytes per parameter at GB/s = ns per parameter
  console.log(`triad: ${fmt(triad.gbs, 1)} GB/s (${triad.how}) -> 8-bit Adam floor ${fmt(floorNs, 3)} ns/param (16 B/param)\n`);

  const rows: Array<Record<string, Measure>> = [];
  for (const n of sizes) {
    const p0 = fill(n, 0.1, 1);
    const g0 = fill(n, 0.01, 2);
    const big = n >= 32 * M;
    const slow = big ? 1 : 2;
    const r: Record<string, Measure> = {};
    process.stdout.write(`${n / M}M parameters:`);
    const run = async (key: string, backend: 'cpu' | 'wasm', make: () => tf.Optimizer, steps: number, chunks = 1) => {
      r[key] = await measure(backend, n, p0, g0, make, steps, chunks);
      process.stdout.write(` ${key} ${r[key].error ? 'failed' : `${fmt(r[key].nsPerParam)} ns`};`);
    };
    await run('tf.adam cpu', 'cpu', () => tf.train.adam(1e-3), slow);
    // tf.train.adam keeps ~10 full-size temporaries until its step ends; at 64M that passes the wasm heap's
    // 4 GiB cap (an abort kills the wasm backend for the whole process), so there it steps 4 variables of 16M
    await run('tf.adam wasm', 'wasm', () => tf.train.adam(1e-3), 3, big ? 4 : 1);
    await run('ours 32-bit', 'wasm', ours('adam32bit', 'auto'), big ? 5 : 10);
    await run('8-bit reference', 'wasm', ours('adam8bit', 'reference'), slow);
    await run('8-bit fused JS', 'wasm', ours('adam8bit', 'fused-js'), big ? 2 : 3);
    if (info) await run('8-bit fused native', 'wasm', ours('adam8bit', 'fused-native'), big ? 10 : 20);
    process.stdout.write('\n');
    rows.push(r);
  }

  const names = ['tf.adam cpu', 'tf.adam wasm', 'ours 32-bit', '8-bit reference', '8-bit fused JS', '8-bit fused native'];
  console.log('\nOptimizer state, bytes per parameter (measured: tf.memory() growth when the state is created)\n');
  console.log('| parameters | ours 8-bit (B=2048) | ours 32-bit | tf.train.adam |');
  console.log('|---:|---:|---:|---:|');
  rows.forEach((r, i) => {
    const eight = r['8-bit fused native'] ?? r['8-bit fused JS'];
    console.log(`| ${sizes[i] / M}M | ${fmt(eight.bytesPerParam, 4)} | ${fmt(r['ours 32-bit'].bytesPerParam, 4)} | ${fmt(r['tf.adam wasm'].bytesPerParam, 4)} |`);
  });

  console.log('\nAdam step time, ns per parameter (speed-up over tf.train.adam on wasm / on cpu)\n');
  console.log(`| parameters | ${names.join(' | ')} | floor (16 B @ triad) | fused native / floor |`);
  console.log(`|---:|${names.map(() => '---:').join('|')}|---:|---:|`);
  rows.forEach((r, i) => {
    const wasm = r['tf.adam wasm'].nsPerParam;
    const cpu = r['tf.adam cpu'].nsPerParam;
    const cells = names.map((k) => {
      const m = r[k];
      if (!m) return 'n/a';
      if (m.error) return `failed: ${m.error.slice(0, 40)}`;
      if (k.startsWith('tf.adam')) return fmt(m.nsPerParam) + (k === 'tf.adam wasm' && sizes[i] >= 32 * M ? ' (4 × n/4)' : '');
      return `${fmt(m.nsPerParam)} (${speedup(wasm, m.nsPerParam)} / ${speedup(cpu, m.nsPerParam)})`;
    });
    const nat = r['8-bit fused native']?.nsPerParam ?? NaN;
    console.log(`| ${sizes[i] / M}M | ${cells.join(' | ')} | ${fmt(floorNs, 3)} | ${Number.isFinite(nat) ? `${fmt(nat / floorNs, 1)}×` : 'n/a'} |`);
  });

  console.log('\nThe same steps in process CPU time (all threads), ns per parameter: the work done, which the other load on a\nshared machine inflates less than wall time\n');
  console.log(`| parameters | ${names.join(' | ')} |`);
  console.log(`|---:|${names.map(() => '---:').join('|')}|`);
  rows.forEach((r, i) => console.log(`| ${sizes[i] / M}M | ${names.map((k) => (r[k] ? fmt(r[k].cpuNsPerParam) : 'n/a')).join(' | ')} |`));

  const last = rows[rows.length - 1];
  const nat = last['8-bit fused native']?.nsPerParam ?? NaN;
  const eight = last['8-bit fused native'] ?? last['8-bit fused JS'];
  console.log(`\nTargets at ${sizes[sizes.length - 1] / M}M: 8-bit state ${fmt(eight.bytesPerParam, 4)} B/param (<= 2.01: ${eight.bytesPerParam <= 2.01 ? 'met' : 'NOT met'}); ` +
    `fused native ${speedup(last['tf.adam wasm'].nsPerParam, nat)} faster than tf.train.adam on wasm (>= 5×: ${last['tf.adam wasm'].nsPerParam / nat >= 5 ? 'met' : 'NOT met'}); ` +
    `${fmt(nat / floorNs, 1)}× the bandwidth floor (<= 4×: ${nat / floorNs <= 4 ? 'met' : 'NOT met'}).`);
  console.log(`Done in ${((performance.now() - started) / 1000).toFixed(0)} s; load average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.`);
}

await main();
