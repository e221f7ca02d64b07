/**
 * Training speed of the engine on what the suites train: each suite architecture with its suite's
 * recipe (Adam, learning rate, batch) and 90 % masks, through trainNetwork on the wasm backend, next
 * to the same loop in PyTorch (one thread, bench/pytorch_reference.py) when /usr/bin/python3.11 can
 * import torch, and where PruneBench's time goes, per kernel.
 *
 *   npx tsx bench/engine-speed.ts [--quick] [--only TASK]
 *
 * The ceiling: wasm SIMD's peak multiply-add rate here (bench/simd-peak.wat); each network's
 * arithmetic rate is given against it (dense-equivalent operations: masks do not skip work).
 * Inputs: real MNIST images for the LeNets, the planted task's own data for the planted MLP, random
 * CIFAR-shaped images for Conv-4 (CIFAR-10 is not bundled; speed does not depend on the values).
 * Rates are medians over repeated passes, per second of wall time and per second of this process's
 * CPU time (steadier when other work shares the machine); the ratio is taken in the same run.
 * Then LeNet-5 again at 0 %, 50 %, 90 % and 98 % sparsity against PyTorch at each: the engine
 * skips masked weights' zero steps, so its speed depends on the masks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeBackend, selectBackend } from '../engine/backend/backend-selection.ts';
import { describeParameters, type ArchitectureSpec } from '../engine/architecture.ts';
import { MaskedNetwork } from '../engine/network.ts';
import type { TrainingRecipe } from '../engine/recipe.ts';
import { Rng } from '../engine/rng.ts';
import { trainNetwork } from '../engine/train.ts';
import { sizeOf, type Dataset } from '../engine/types.ts';
import { loadSplits } from '../suites/data/index.ts';
import { getTask } from '../suites/registry.ts';
import { sparsePasses } from '../engine/backend/wasm-sparse-gemm.ts';
import { timeKernels } from './kernel-timer.ts';
import { measureSimdPeak } from './simd-peak.ts';

const PYTHON = '/usr/bin/python3.11';
const pytorchReference = fileURLToPath(new URL('./pytorch_reference.py', import.meta.url));
const DENSITY = 0.1;
const WARMUP_STEPS = 3;

interface BenchCase {
  /** The suite task whose architecture and recipe are timed. */
  task: string;
  /** Samples per timed pass. */
  samples: number;
  repeats: number;
  data: (samples: number) => Promise<Dataset>;
}

async function mnistImages(samples: number): Promise<Dataset> {
  const { train } = await loadSplits('mnist', { validationSize: 1000, seed: 1, trainSubset: samples });
  return { ...train, inputShape: [28, 28, 1] };
}

function randomImages(shape: number[], classes: number) {
  return async (samples: number): Promise<Dataset> => {
    const rng = new Rng(3);
    return {
      n: samples,
      inputShape: shape,
      x: rng.uniformArray(samples * sizeOf(shape)),
      y: Int32Array.from({ length: samples }, () => rng.int(classes)),
      outputSize: classes,
    };
  };
}

async function plantedData(samples: number): Promise<Dataset> {
  const { splits } = await getTask('planted-circle-d5-w100').load(0);
  return {
    ...splits.train,
    n: samples,
    x: splits.train.x.subarray(0, samples * sizeOf(splits.train.inputShape)),
    y: splits.train.y.subarray(0, samples * (splits.train.y instanceof Int32Array ? 1 : splits.train.outputSize)),
  };
}

const cases: BenchCase[] = [
  { task: 'mnist-lenet300', samples: 6000, repeats: 3, data: mnistImages },
  { task: 'mnist-lenet5', samples: 3000, repeats: 3, data: mnistImages },
  { task: 'cifar10-conv4', samples: 240, repeats: 1, data: randomImages([32, 32, 3], 10) },
  { task: 'planted-circle-d5-w100', samples: 6000, repeats: 3, data: plantedData },
];

interface Rate {
  perSecond: number;
  perCpuSecond: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function randomMasks(network: MaskedNetwork, rng: Rng, density: number): Record<string, Float32Array> {
  return Object.fromEntries(
    network.prunableNames.map((name) => [
      name,
      Float32Array.from({ length: network.variable(name).size }, () => (rng.uniform() < density ? 1 : 0)),
    ]),
  );
}

/** Floating-point operations of one training sample: forward, weight gradients, and input gradients below the first layer. */
export function trainingFlopsPerSample(spec: ArchitectureSpec): number {
  const kernels = describeParameters(spec).filter((p) => p.role === 'kernel');
  return kernels.reduce((sum, p, i) => sum + 2 * sizeOf(p.shape) * p.macsPerWeight * (i === 0 ? 2 : 3), 0);
}

interface Timing {
  rate: Rate;
  /** Milliseconds per step inside each kernel, outermost calls. */
  kernels: Map<string, number>;
  stepMilliseconds: number;
}

function timePruneBench(spec: ArchitectureSpec, recipe: TrainingRecipe, data: Dataset, repeats: number, density = DENSITY): Timing {
  const network = MaskedNetwork.initialise(spec, new Rng(0));
  network.setMasks(randomMasks(network, new Rng(1), density));
  const epoch = (train: Dataset, seed: number) => trainNetwork({ network, train, recipe, epochs: 1, rng: new Rng(seed) });
  // The first steps create kernels' operators and grow the wasm heap.
  epoch({ ...data, n: WARMUP_STEPS * recipe.batchSize }, 2);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    epoch(data, 4 + r);
    wall.push((performance.now() - start) / 1000);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1e6);
  }
  const steps = Math.ceil(data.n / recipe.batchSize);
  let profiledMilliseconds = 0;
  const kernels = timeKernels(tf.getBackend(), () => {
    const start = performance.now();
    epoch(data, 9);
    profiledMilliseconds = performance.now() - start;
  });
  network.dispose();
  for (const [name, ms] of kernels) kernels.set(name, ms / steps);
  return {
    rate: { perSecond: data.n / median(wall), perCpuSecond: data.n / median(cpu) },
    kernels,
    stepMilliseconds: profiledMilliseconds / steps,
  };
}

interface TorchRate extends Rate {
  version: string;
}

function timePyTorch(
  spec: ArchitectureSpec,
  recipe: TrainingRecipe,
  data: Dataset,
  repeats: number,
  density = DENSITY,
): TorchRate | string {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `${PYTHON} cannot import torch (Debian: apt-get install -y python3-torch)`;
  const job = {
    architecture: spec,
    kind: data.y instanceof Int32Array ? 'classification' : 'regression',
    outputSize: data.outputSize,
    samples: data.n,
    batch: recipe.batchSize,
    learningRate: recipe.learningRate,
    density,
    warmupSteps: WARMUP_STEPS,
    repeats,
  };
  const run = spawnSync(PYTHON, [pytorchReference, JSON.stringify(job)], { encoding: 'utf8' });
  if (run.status !== 0) return `the PyTorch reference failed: ${run.stderr.trim().split('\n').pop()}`;
  const out = JSON.parse(run.stdout) as { samples_per_second: number; samples_per_cpu_second: number; torch: string };
  return { perSecond: out.samples_per_second, perCpuSecond: out.samples_per_cpu_second, version: out.torch };
}

const rateText = (rate: Rate) => `${rate.perSecond.toFixed(0).padStart(6)} samples/s (${rate.perCpuSecond.toFixed(0)} per CPU second)`;

function printShares(timing: Timing): void {
  const total = timing.stepMilliseconds;
  const sorted = [...timing.kernels].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, 8);
  const line = (name: string, ms: number) =>
    console.log(`    ${name.padEnd(30)} ${ms.toFixed(2).padStart(7)} ms/step ${((100 * ms) / total).toFixed(0).padStart(3)}%`);
  console.log(`  where the time goes (${total.toFixed(2)} ms/step, profiled pass):`);
  for (const [name, ms] of shown) line(name, ms);
  const kernelSum = sorted.reduce((a, [, ms]) => a + ms, 0);
  line('other kernels', kernelSum - shown.reduce((a, [, ms]) => a + ms, 0));
  line('outside kernels', total - kernelSum);
}

/** Mask densities of the sparsity sweep: 0 %, 50 %, 90 % and 98 % of every prunable weight pruned. */
const SWEEP_DENSITIES = [1, 0.5, 0.1, 0.02];

/**
 * LeNet-5 at several sparsities, PruneBench against PyTorch in the same run: the convolutions and
 * dense layers skip a masked weight's zero steps (engine/wasm/sparse-gemm.wat), so PruneBench's
 * speed depends on the masks; PyTorch's dense kernels do the same work at any sparsity.
 */
async function sparsitySweep(quick: boolean): Promise<void> {
  const task = getTask('mnist-lenet5');
  const { architecture: spec, recipe } = task;
  const samples = quick ? 360 : 1200;
  const data = await mnistImages(samples);
  console.log(`${spec.id} by sparsity (random masks), ${samples} samples, median of 3, per CPU second:`);
  for (const density of SWEEP_DENSITIES) {
    const passes = sparsePasses();
    const ours = timePruneBench(spec, recipe, data, 3, density);
    const steps = (3 + 1) * Math.ceil(samples / recipe.batchSize) + WARMUP_STEPS;
    const sparsePerStep = (sparsePasses() - passes) / steps;
    const torch = timePyTorch(spec, recipe, data, 3, density);
    const ratio =
      typeof torch === 'string'
        ? `PyTorch not measured: ${torch}`
        : `PyTorch ${torch.perCpuSecond.toFixed(0).padStart(5)}, ratio ${(ours.rate.perCpuSecond / torch.perCpuSecond).toFixed(2)}`;
    console.log(
      `  ${(100 * (1 - density)).toFixed(0).padStart(3)} % pruned: PruneBench ${ours.rate.perCpuSecond.toFixed(0).padStart(5)} (${((1000 * recipe.batchSize) / ours.rate.perCpuSecond).toFixed(1)} CPU ms per step, ${sparsePerStep.toFixed(1)} sparse passes per step), ${ratio}`,
    );
  }
}

export async function benchEngineSpeed(options: { quick?: boolean; only?: string } = {}): Promise<void> {
  await selectBackend('wasm');
  console.log(
    `\n== engine: each suite architecture with its suite's recipe, ${100 * (1 - DENSITY)} % masks, wasm against PyTorch (1 thread)`,
  );
  console.log(`backend ${describeBackend()}`);
  const [load] = loadavg();
  if (load > availableParallelism() / 2)
    console.log(
      `note: load average ${load.toFixed(1)} on ${availableParallelism()} cores; other work shares the machine, compare ratios and CPU-time rates`,
    );
  const peak = await measureSimdPeak();
  console.log(`wasm SIMD peak here: ${(peak / 1e9).toFixed(1)} GFLOP/s (f32x4 multiply and add, one thread, bench/simd-peak.wat)`);
  for (const c of cases.filter((c) => !options.only || c.task.includes(options.only))) {
    const task = getTask(c.task);
    const { architecture: spec, recipe } = task;
    const samples = options.quick ? Math.max(recipe.batchSize * 2, Math.round(c.samples / 4)) : c.samples;
    const data = await c.data(samples);
    const ours = timePruneBench(spec, recipe, data, c.repeats);
    const torch = timePyTorch(spec, recipe, data, c.repeats);
    const gflops = (trainingFlopsPerSample(spec) * ours.rate.perCpuSecond) / 1e9;
    console.log(
      `${spec.id} (${c.task}: ${recipe.optimizer} ${recipe.learningRate}, batch ${recipe.batchSize}), ${samples} samples, median of ${c.repeats}`,
    );
    console.log(
      `  PruneBench              ${rateText(ours.rate)}  ${gflops.toFixed(1)} GFLOP/s per CPU second, ${((100 * gflops * 1e9) / peak).toFixed(0)} % of the SIMD peak`,
    );
    if (typeof torch === 'string') console.log(`  PyTorch not measured: ${torch}`);
    else {
      console.log(`  PyTorch ${torch.version.padEnd(15)} ${rateText(torch)}`);
      console.log(
        `  PruneBench speed / PyTorch speed: ${(ours.rate.perSecond / torch.perSecond).toFixed(2)} wall, ${(ours.rate.perCpuSecond / torch.perCpuSecond).toFixed(2)} CPU`,
      );
    }
    printShares(ours);
  }
  if (!options.only || 'mnist-lenet5'.includes(options.only)) await sparsitySweep(options.quick === true);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const onlyAt = process.argv.indexOf('--only');
  await benchEngineSpeed({ quick: process.argv.includes('--quick'), only: onlyAt > 0 ? process.argv[onlyAt + 1] : undefined });
}
