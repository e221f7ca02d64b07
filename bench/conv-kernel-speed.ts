/**
 * How close each convolution kernel gets to the wasm SIMD ceiling: the forward convolution and
 * both gradients at the suites' shapes (batch 60), PruneBench's segmented kernels next to the
 * XNNPACK routes they replaced (same bits), in GFLOP/s per CPU second and as a share of the peak.
 * First layers' input gradients are left out: training never needs them. Then the forward pass and
 * input gradient again with a 90 %-masked filter, as in training under 90 % masks, where
 * PruneBench's kernels skip the filter's zero steps (dense-equivalent GFLOP/s: the same work
 * counted as for a dense filter, so the rate can pass the peak).
 *
 *   npx tsx bench/conv-kernel-speed.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { pathToFileURL } from 'node:url';
import { selectBackend } from '../engine/backend/backend-selection.ts';
import { filterGradient } from '../engine/backend/wasm-conv-filter-grad.ts';
import { convolutionalBackpropInput } from '../engine/backend/wasm-conv-input-grad.ts';
import { originalWasmKernelFunc } from '../engine/backend/wasm-kernel-calls.ts';
import { Rng } from '../engine/rng.ts';
import { measureSimdPeak } from './simd-peak.ts';

interface ConvShape {
  name: string;
  batch: number;
  size: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  pad: 'valid' | 'same';
  /** A first layer: its input gradient is never computed. */
  first: boolean;
}

/** The share of weights a training mask keeps in the masked-filter figures. */
const MASKED_DENSITY = 0.1;

const shapes: ConvShape[] = [
  { name: 'LeNet-5 conv1', batch: 60, size: 28, inChannels: 1, outChannels: 20, kernel: 5, pad: 'valid', first: true },
  { name: 'LeNet-5 conv2', batch: 60, size: 12, inChannels: 20, outChannels: 50, kernel: 5, pad: 'valid', first: false },
  { name: 'Conv-4 conv1', batch: 60, size: 32, inChannels: 3, outChannels: 64, kernel: 3, pad: 'same', first: true },
  { name: 'Conv-4 conv2', batch: 60, size: 32, inChannels: 64, outChannels: 64, kernel: 3, pad: 'same', first: false },
  { name: 'Conv-4 conv3', batch: 60, size: 16, inChannels: 64, outChannels: 128, kernel: 3, pad: 'same', first: false },
  { name: 'Conv-4 conv4', batch: 60, size: 16, inChannels: 128, outChannels: 128, kernel: 3, pad: 'same', first: false },
];

/** The fastest of `repeats` calls in CPU milliseconds (other work can only slow a call), after warm-up calls (XNNPACK creates operators, V8 tiers up the modules). */
function cpuMilliseconds(backend: KernelBackend, run: () => TensorInfo, repeats: number): number {
  for (let i = 0; i < 3; i++) backend.disposeData(run().dataId);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.cpuUsage();
    const out = run();
    const used = process.cpuUsage(start);
    backend.disposeData(out.dataId);
    times.push((used.user + used.system) / 1000);
  }
  return Math.min(...times);
}

export async function benchConvKernels(): Promise<void> {
  await selectBackend('wasm');
  const backend = tf.backend() as KernelBackend;
  const peak = await measureSimdPeak();
  console.log(
    `\n== convolution kernels at the suites' shapes, GFLOP/s per CPU second (share of the ${(peak / 1e9).toFixed(1)} GFLOP/s SIMD peak): PruneBench / XNNPACK route`,
  );
  const xnnpack: KernelFunc = (args) => originalWasmKernelFunc('Conv2D')(args);
  const call = (kernel: KernelFunc, inputs: Record<string, TensorInfo>, attrs: object) =>
    kernel({ inputs, attrs: attrs as NamedAttrMap, backend }) as TensorInfo;
  const xnnpackInputGradient = convolutionalBackpropInput(originalWasmKernelFunc('Conv2DBackpropInput'), xnnpack);
  const rng = new Rng(1);
  for (const s of shapes) {
    const outSize = s.pad === 'same' ? s.size : s.size - s.kernel + 1;
    const x = tf.tensor4d(rng.normalArray(s.batch * s.size * s.size * s.inChannels), [s.batch, s.size, s.size, s.inChannels]);
    const filter = tf.tensor4d(rng.normalArray(s.kernel * s.kernel * s.inChannels * s.outChannels), [
      s.kernel,
      s.kernel,
      s.inChannels,
      s.outChannels,
    ]);
    const dy = tf.tensor4d(rng.normalArray(s.batch * outSize * outSize * s.outChannels), [s.batch, outSize, outSize, s.outChannels]);
    const convAttrs = { strides: [1, 1], pad: s.pad, dataFormat: 'NHWC', dilations: [1, 1] };
    const filterAttrs = { strides: [1, 1], pad: s.pad, dataFormat: 'NHWC', filterShape: filter.shape };
    const inputAttrs = { strides: [1, 1], pad: s.pad, dataFormat: 'NHWC', inputShape: x.shape };
    const flops = 2 * s.batch * outSize * outSize * s.kernel * s.kernel * s.inChannels * s.outChannels;
    const repeats = flops > 5e8 ? 3 : 9;
    const rate = (run: () => TensorInfo) => flops / (cpuMilliseconds(backend, run, repeats) * 1e6);
    const pair = (ours: () => TensorInfo, theirs: () => TensorInfo) => {
      const [a, b] = [rate(ours), rate(theirs)];
      return `${a.toFixed(1).padStart(5)} (${((100 * a * 1e9) / peak).toFixed(0).padStart(2)} %) / ${b.toFixed(1).padStart(5)} (${((100 * b * 1e9) / peak).toFixed(0).padStart(2)} %)`;
    };
    const forward = pair(
      () => call(tf.getKernel('Conv2D', 'wasm')!.kernelFunc, { x, filter }, convAttrs),
      () => call(xnnpack, { x, filter }, convAttrs),
    );
    const viaXnnpack = (inputs: Record<string, TensorInfo>, attrs: object) => call(xnnpack, inputs, attrs);
    const filterGrad = pair(
      () => call(tf.getKernel('Conv2DBackpropFilter', 'wasm')!.kernelFunc, { x, dy }, filterAttrs),
      () => filterGradient({ inputs: { x, dy }, attrs: filterAttrs as unknown as NamedAttrMap, backend }, viaXnnpack, false),
    );
    const inputGrad = s.first
      ? '—'
      : pair(
          () => call(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc, { dy, filter }, inputAttrs),
          () => call(xnnpackInputGradient, { dy, filter }, inputAttrs),
        );
    console.log(
      `${s.name.padEnd(14)} [${x.shape}] ${s.kernel}×${s.kernel}→${s.outChannels} ${s.pad.padEnd(5)}  forward ${forward}  filter gradient ${filterGrad}  input gradient ${inputGrad}`,
    );
    const maskedFilter = tf.tidy(() =>
      tf.mul(filter, tf.cast(tf.less(tf.randomUniform(filter.shape, 0, 1, 'float32', 7), MASKED_DENSITY), 'float32')),
    );
    const maskedForward = pair(
      () => call(tf.getKernel('Conv2D', 'wasm')!.kernelFunc, { x, filter: maskedFilter }, convAttrs),
      () => call(xnnpack, { x, filter: maskedFilter }, convAttrs),
    );
    const maskedInputGrad = s.first
      ? '—'
      : pair(
          () => call(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc, { dy, filter: maskedFilter }, inputAttrs),
          () => call(xnnpackInputGradient, { dy, filter: maskedFilter }, inputAttrs),
        );
    console.log(`${''.padEnd(14)} 90 % masked filter, dense-equivalent:  forward ${maskedForward}  input gradient ${maskedInputGrad}`);
    tf.dispose([x, filter, dy, maskedFilter]);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchConvKernels();
