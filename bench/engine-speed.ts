/**
 * Training speed of the engine: LeNet-300-100 and LeNet-5, one pass over random MNIST-shaped data,
 * batch 60, SGD with momentum, masks enforced, through trainNetwork on the wasm backend; next to
 * the same run with tfjs's own wasm kernels, and next to PyTorch (one thread,
 * bench/pytorch_reference.py) when /usr/bin/python3.11 can import torch.
 *
 *   npx tsx bench/engine-speed.ts [--profile] [--samples N]
 *
 * --profile adds where the time goes: per-kernel times and the batch assembly of the training loop.
 * Rates are given per second of wall time and per second of this process's CPU time; the latter
 * is steadier when other work shares the machine.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeBackend, selectBackend } from '../harness/engine/backend/select.ts';
import { originalWasmKernelFunc } from '../harness/engine/backend/wasm-kernel-calls.ts';
import type { ArchitectureSpec } from '../harness/engine/architecture.ts';
import { epochOrder, gatherBatch } from '../harness/engine/batches.ts';
import { MaskedNetwork } from '../harness/engine/network.ts';
import type { TrainingRecipe } from '../harness/engine/recipe.ts';
import { Rng } from '../harness/engine/rng.ts';
import { trainNetwork } from '../harness/engine/train.ts';
import type { Dataset } from '../harness/engine/types.ts';

const PYTHON = '/usr/bin/python3.11';
const pytorchReference = fileURLToPath(new URL('./pytorch_reference.py', import.meta.url));
const BATCH = 60;
const WARMUP_STEPS = 10;

const lenet300100: ArchitectureSpec = {
  id: 'lenet-300-100',
  inputShape: [784],
  layers: [
    { kind: 'dense', name: 'fc1', units: 300, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 100, activation: 'relu' },
    { kind: 'dense', name: 'fc3', units: 10, activation: 'linear' },
  ],
};

/** The classic LeNet-5 (LeCun et al. 1998, with max pooling); the suites define the canonical tasks. */
const lenet5: ArchitectureSpec = {
  id: 'lenet-5',
  inputShape: [28, 28, 1],
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' },
    { kind: 'maxPool', size: 2 },
    { kind: 'conv2d', name: 'conv2', filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' },
    { kind: 'maxPool', size: 2 },
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc1', units: 120, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 84, activation: 'relu' },
    { kind: 'dense', name: 'fc3', units: 10, activation: 'linear' },
  ],
};

/** PruneBench's time over PyTorch's that the engine aims to stay under. */
const aims: Record<string, number> = { 'lenet-300-100': 1.5, 'lenet-5': 5 };

const recipe: TrainingRecipe = {
  optimizer: 'momentum',
  learningRate: 0.01,
  momentum: 0.9,
  batchSize: BATCH,
  epochs: 1,
  fineTuneEpochs: 0,
  schedule: { kind: 'constant' },
  selectBestEpoch: false,
};

/** Kernels PruneBench replaces on wasm with faster ones; Conv2DBackpropFilter is missing there, so it always stays. */
const replacedWasmKernels = ['BatchMatMul', 'Conv2DBackpropInput', 'MaxPoolGrad', 'Identity', 'Cast'];

interface Rate {
  perSecond: number;
  perCpuSecond: number;
}

function randomMnist(n: number, inputShape: number[], seed: number): Dataset {
  const rng = new Rng(seed);
  return { n, inputShape, x: rng.uniformArray(n * 784), y: Int32Array.from({ length: n }, () => rng.int(10)), outputSize: 10 };
}

function measure(samples: number, run: () => void): Rate {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  run();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { perSecond: samples / seconds, perCpuSecond: samples / ((cpu.user + cpu.system) / 1e6) };
}

function trainingRate(spec: ArchitectureSpec, samples: number): Rate {
  const network = MaskedNetwork.initialise(spec, new Rng(0));
  network.setMasks(Object.fromEntries(network.prunableNames.map((name) => [name, new Float32Array(network.variable(name).size).fill(1)])));
  // The first steps create kernels' operators and grow the wasm heap.
  trainNetwork({ network, train: randomMnist(WARMUP_STEPS * BATCH, spec.inputShape, 1), recipe, epochs: 1, rng: new Rng(2) });
  const data = randomMnist(samples, spec.inputShape, 3);
  const rate = measure(samples, () => trainNetwork({ network, train: data, recipe, epochs: 1, rng: new Rng(4) }));
  network.dispose();
  return rate;
}

/** Runs f with tfjs's own wasm kernels in place of PruneBench's replacements (the missing filter gradient stays). */
function withStockWasmKernels<T>(f: () => T): T {
  const replaced = replacedWasmKernels.map((name) => tf.getKernel(name, 'wasm') as KernelConfig);
  const swap = (configs: KernelConfig[]) => {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  };
  swap(replaced.map((config) => ({ ...config, kernelFunc: originalWasmKernelFunc(config.kernelName) })));
  try {
    return f();
  } finally {
    swap(replaced);
  }
}

interface TorchRate extends Rate {
  version: string;
}

function torchRate(arch: string, samples: number): TorchRate | string {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${PYTHON} cannot import torch (Debian: apt-get install -y python3-torch)`;
  const run = spawnSync(PYTHON, [pytorchReference, arch, String(samples), String(BATCH)], { encoding: 'utf8' });
  if (run.status !== 0) return `the PyTorch reference failed: ${run.stderr.trim().split('\n').pop()}`;
  const out = JSON.parse(run.stdout) as { samples_per_second: number; samples_per_cpu_second: number; torch: string };
  return { perSecond: out.samples_per_second, perCpuSecond: out.samples_per_cpu_second, version: out.torch };
}

/** Time inside each kernel (outermost calls only) during f; valid for synchronous backends. */
function kernelTimes(backendName: string, f: () => void): { byKernel: Map<string, number>; total: number } {
  const originals = tf.getKernelsForBackend(backendName);
  const byKernel = new Map<string, number>();
  let depth = 0;
  for (const config of originals) {
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const outermost = depth++ === 0;
        const start = performance.now();
        try {
          return config.kernelFunc(args);
        } finally {
          depth--;
          if (outermost) byKernel.set(config.kernelName, (byKernel.get(config.kernelName) ?? 0) + performance.now() - start);
        }
      },
    });
  }
  try {
    f();
  } finally {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
    }
  }
  return { byKernel, total: [...byKernel.values()].reduce((a, b) => a + b, 0) };
}

function printProfile(spec: ArchitectureSpec, samples: number): void {
  const network = MaskedNetwork.initialise(spec, new Rng(0));
  network.setMasks(Object.fromEntries(network.prunableNames.map((name) => [name, new Float32Array(network.variable(name).size).fill(1)])));
  trainNetwork({ network, train: randomMnist(WARMUP_STEPS * BATCH, spec.inputShape, 1), recipe, epochs: 1, rng: new Rng(2) });
  const data = randomMnist(samples, spec.inputShape, 3);
  const steps = Math.ceil(samples / BATCH);
  let wall = 0;
  const { byKernel, total } = kernelTimes(tf.getBackend(), () => {
    const start = performance.now();
    trainNetwork({ network, train: data, recipe, epochs: 1, rng: new Rng(4) });
    wall = performance.now() - start;
  });
  network.dispose();
  const batchStart = performance.now();
  for (const indices of epochOrder(data.n, BATCH, new Rng(4))) {
    const batch = gatherBatch(data, indices);
    batch.x.dispose();
    batch.y.dispose();
  }
  const batchAssembly = performance.now() - batchStart;
  const perStep = (ms: number) => `${(ms / steps).toFixed(2).padStart(6)} ms/step ${((100 * ms) / wall).toFixed(0).padStart(3)}%`;
  console.log(`  where the time goes (${spec.id}, ${(wall / steps).toFixed(2)} ms/step):`);
  for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`    ${name.padEnd(30)} ${perStep(ms)}`);
  console.log(`    ${'other kernels'.padEnd(30)} ${perStep(total - [...byKernel.values()].sort((a, b) => b - a).slice(0, 10).reduce((a, b) => a + b, 0))}`);
  console.log(`    ${'outside kernels'.padEnd(30)} ${perStep(wall - total)}  (tfjs engine and autodiff, optimiser, training loop)`);
  console.log(`    ${'  of which batch assembly'.padEnd(30)} ${perStep(batchAssembly)}  (gatherBatch copies and tensor upload)`);
}

const rateText = (rate: Rate) => `${rate.perSecond.toFixed(0).padStart(6)} samples/s (${rate.perCpuSecond.toFixed(0)} per CPU second)`;

export async function benchEngineSpeed(options: { samples?: number; profile?: boolean } = {}): Promise<void> {
  const samples = options.samples ?? 6000;
  await selectBackend('wasm');
  console.log(`\n== engine: training speed, one pass over ${samples} random MNIST-shaped samples, batch ${BATCH}, SGD momentum 0.9, masks enforced`);
  console.log(`backend ${describeBackend()}`);
  const [load] = loadavg();
  if (load > availableParallelism()) console.log(`note: load average ${load.toFixed(1)} on ${availableParallelism()} cores; wall-time rates are low, compare the CPU-time ones`);
  for (const spec of [lenet300100, lenet5]) {
    const ours = trainingRate(spec, samples);
    const stock = withStockWasmKernels(() => trainingRate(spec, samples));
    const torch = torchRate(spec.id, samples);
    console.log(`${spec.id.padEnd(14)} PruneBench              ${rateText(ours)}`);
    console.log(`${''.padEnd(14)} tfjs's own wasm kernels ${rateText(stock)}  (PruneBench's kernels: ${(ours.perCpuSecond / stock.perCpuSecond).toFixed(2)}× faster)`);
    if (typeof torch === 'string') console.log(`${''.padEnd(14)} PyTorch not measured: ${torch}`);
    else {
      console.log(`${''.padEnd(14)} PyTorch ${torch.version.padEnd(15)} ${rateText(torch)}  (1 thread)`);
      const wallRatio = torch.perSecond / ours.perSecond;
      const cpuRatio = torch.perCpuSecond / ours.perCpuSecond;
      console.log(`${''.padEnd(14)} PruneBench time / PyTorch time: ${wallRatio.toFixed(2)} wall, ${cpuRatio.toFixed(2)} CPU (aim ≤ ${aims[spec.id]})`);
    }
    if (options.profile) printProfile(spec, samples);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const samplesAt = process.argv.indexOf('--samples');
  await benchEngineSpeed({ profile: process.argv.includes('--profile'), samples: samplesAt > 0 ? Number(process.argv[samplesAt + 1]) : undefined });
}
