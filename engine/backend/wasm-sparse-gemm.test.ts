import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from './backend-selection.ts';
import { convolutionalBackpropInput } from './wasm-conv-input-grad.ts';
import { gemmConvolution } from './wasm-gemm-convolution.ts';
import { type WasmBackendInternals, disposeIntermediate, originalWasmKernelFunc } from './wasm-kernel-calls.ts';
import { overrideDensestSparseShare, sparsePasses, sparseSteps } from './wasm-sparse-gemm.ts';
import { Rng } from '../rng.ts';
import { type ConvShape, randomConvShape } from './testing/conv-shapes.ts';
import { bits, expectClose, onCpu, onWasm, size, wasmBackend } from './testing/kernel-runs.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

afterEach(() => overrideDensestSparseShare(null));

/** Masks keeping these shares of the weights: 0 %, 50 %, 90 %, 99 % and 100 % pruned. */
const DENSITIES = [1, 0.5, 0.1, 0.01, 0];

/** Normal values, each kept with probability `density` (else 0, or −0 for a negative one: a masked weight's product). */
function masked(rng: Rng, count: number, density: number): Float32Array {
  return rng.normalArray(count).map((v) => (rng.uniform() < density ? v : v * 0));
}

/** A [rows, n]-shaped int32 table on the wasm heap, for sparseSteps' tiles (4 row byte offsets, then segments and positions). */
function tilesTable(backend: KernelBackend, rows: number[][]): TensorInfo {
  const wasm = backend as unknown as WasmBackendInternals;
  const table = wasm.makeOutput([rows.length * 8], 'int32');
  (wasm.typedArrayFromHeap(table) as Int32Array).set(rows.flat());
  return table;
}

function readInt32(backend: KernelBackend, t: TensorInfo, count: number): number[] {
  return Array.from((backend.readSync(t.dataId) as Int32Array).subarray(0, count));
}

describe('the zero steps the sparse product lists', () => {
  it('per column panel of B: 8 wide, then 4; a step is kept when any value of the panel is not ±0 (NaN counts)', () => {
    // B [k = 6, n = 12]: panels of columns 0–7 and 8–11. Runs of 3 (segments of k), 10 floats apart in A.
    const b = new Float32Array(6 * 12);
    b[1 * 12 + 2] = 1.5; // k 1: panel 0
    b[2 * 12 + 9] = -2; // k 2: panel 1
    b[3 * 12 + 0] = -0; // k 3: −0 is zero …
    b[3 * 12 + 10] = Number.NaN; // … but NaN is not: panel 1
    b[4 * 12 + 7] = 3; // k 4: both panels
    b[4 * 12 + 8] = 4;
    const backend = wasmBackend();
    tf.tidy(() => {
      const a = tf.ones([2, 20]);
      const bTensor = tf.tensor(b, [6, 12]);
      const tiles = tilesTable(backend, [[0, 80, 80, 80, 0, 2, 0, 3]]);
      const listed = sparseSteps(
        backend,
        { a, b: bTensor, tiles, tileCount: 1, segmentLength: 3, segmentStride: 10 },
        { byTile: false, densestShare: 0.75 },
      );
      expect(listed).not.toBeNull();
      const { steps, index, byTile } = listed!;
      expect(byTile).toBe(false);
      // (offset into a row of A in bytes: 40·segment + 4·position; offset into B: 48·k).
      expect(readInt32(backend, steps, 10)).toEqual([4, 48, 40 + 4, 192, 8, 96, 40, 144, 40 + 4, 192]);
      // Per panel, k = 0…6: the position of the first step at or after k.
      expect(readInt32(backend, index, 14)).toEqual([0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3, 4, 5, 5]);
      disposeIntermediate(backend, tiles, steps, index);
    });
  });

  it('per tile of four rows of A, where listing per tile keeps fewer steps than per panel', () => {
    // A [4, 8] (one tile, one run of 8 floats: four steps at a time, then none left), B [8, 8] dense.
    const a = new Float32Array(4 * 8);
    a[0 * 8 + 1] = 1; // k 1
    a[3 * 8 + 1] = 2;
    a[2 * 8 + 4] = -1; // k 4
    a[1 * 8 + 6] = -0; // k 6: −0 is zero
    a[1 * 8 + 7] = 5; // k 7
    const backend = wasmBackend();
    tf.tidy(() => {
      const aTensor = tf.tensor(a, [4, 8]);
      const bTensor = tf.ones([8, 8]);
      const tiles = tilesTable(backend, [[0, 32, 64, 96, 0, 1, 0, 8]]);
      const listed = sparseSteps(
        backend,
        { a: aTensor, b: bTensor, tiles, tileCount: 1, segmentLength: 8, segmentStride: 8 },
        { byTile: true, densestShare: 0.75 },
      );
      expect(listed).not.toBeNull();
      const { steps, index, byTile } = listed!;
      expect(byTile).toBe(true);
      expect(readInt32(backend, steps, 6)).toEqual([4, 32, 16, 128, 28, 224]);
      expect(readInt32(backend, index, 9)).toEqual([0, 0, 1, 1, 1, 2, 2, 2, 3]);
      disposeIntermediate(backend, tiles, steps, index);
    });
  });

  it('lists nothing where it would not pay or not be exact: too dense, or a NaN or ±Inf in the other operand', () => {
    const backend = wasmBackend();
    const rng = new Rng(4);
    tf.tidy(() => {
      const tiles = tilesTable(backend, [[0, 64, 128, 192, 0, 1, 0, 16]]);
      const sparseB = tf.tensor(masked(rng, 16 * 16, 0.05), [16, 16]);
      const operands = (a: tf.Tensor, b: tf.Tensor) => ({ a, b, tiles, tileCount: 1, segmentLength: 16, segmentStride: 16 });
      const panels = { byTile: false, densestShare: 0.75 };
      const finiteA = tf.tensor(rng.normalArray(64), [4, 16]);
      const found = sparseSteps(backend, operands(finiteA, sparseB), panels);
      expect(found).not.toBeNull();
      disposeIntermediate(backend, found!.steps, found!.index);
      expect(sparseSteps(backend, operands(finiteA, tf.tensor(rng.normalArray(256), [16, 16])), panels)).toBeNull();
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        const values = rng.normalArray(64);
        values[37] = bad;
        expect(sparseSteps(backend, operands(tf.tensor(values, [4, 16]), sparseB), panels)).toBeNull();
      }
      disposeIntermediate(backend, tiles);
    });
  });
});

type ConvCase = ConvShape;

/** The suites' shapes (smaller batches), then random ones: odd sizes, channels and batches off multiples of 4, asymmetric padding. */
function convCases(): ConvCase[] {
  const out: ConvCase[] = [
    { xShape: [8, 28, 28, 1], filterShape: [5, 5, 1, 20], pad: 'valid' },
    { xShape: [12, 12, 12, 20], filterShape: [5, 5, 20, 50], pad: 'valid' },
    { xShape: [4, 16, 16, 32], filterShape: [3, 3, 32, 64], pad: 'same' },
  ];
  const rng = new Rng(17);
  while (out.length < 9) {
    out.push(randomConvShape(rng, 21));
  }
  return out;
}

function convInfo(c: ConvCase) {
  return tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, 1, 1, c.pad, undefined, false, 'channelsLast');
}

const xnnpackConvolution: KernelFunc = (args) => originalWasmKernelFunc('Conv2D')(args);
const call = (kernel: KernelFunc, inputs: Record<string, TensorInfo>, attrs: object, backend: KernelBackend) =>
  kernel({ inputs, attrs: attrs as NamedAttrMap, backend }) as TensorInfo;

describe('convolutions skipping a masked filter’s zero steps', () => {
  convCases().forEach((c, i) => {
    const info = convInfo(c);
    const { top, bottom, left, right } = info.padInfo;
    const describeCase = `x [${c.xShape}], filter [${c.filterShape}], pad ${JSON.stringify(c.pad)}`;
    for (const density of DENSITIES) {
      const rng = new Rng(700 + 10 * i + DENSITIES.indexOf(density));
      const arrays = {
        x: { values: rng.normalArray(size(c.xShape)), shape: c.xShape },
        filter: { values: masked(rng, size(c.filterShape), density), shape: c.filterShape },
        dy: { values: rng.normalArray(size(info.outShape)), shape: info.outShape },
      };
      const convAttrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] };
      const inputAttrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', inputShape: c.xShape };

      it(`forward, density ${density}: the bits of the dense product and of XNNPACK, on repeat too, and the cpu kernel within tolerance: ${describeCase}`, () => {
        const padding = { top, bottom, left, right };
        const dense = onWasm(arrays, ({ x, filter }, backend) => gemmConvolution(x, filter, padding, backend));
        const xnnpack = onWasm(arrays, ({ x, filter }, backend) => call(xnnpackConvolution, { x, filter }, convAttrs, backend));
        overrideDensestSparseShare(1);
        const passes = sparsePasses();
        const sparse = () => onWasm(arrays, ({ x, filter }, backend) => gemmConvolution(x, filter, padding, backend, 'batch-major', true));
        const registered = () =>
          onWasm(arrays, ({ x, filter }, backend) => call(tf.getKernel('Conv2D', 'wasm')!.kernelFunc, { x, filter }, convAttrs, backend));
        const ours = sparse();
        expect(sparsePasses()).toBeGreaterThan(passes);
        expect(bits(ours)).toEqual(bits(dense));
        expect(bits(ours)).toEqual(bits(xnnpack));
        expect(bits(sparse())).toEqual(bits(ours));
        expect(bits(registered())).toEqual(bits(xnnpack));
        overrideDensestSparseShare(null);
        expect(bits(registered())).toEqual(bits(xnnpack));
        expectClose(ours, onCpu('Conv2D', { x: arrays.x, filter: arrays.filter }, convAttrs));
      });

      if (c.filterShape[2] > 1)
        it(`input gradient, density ${density}: the bits of the XNNPACK route, on repeat too, and the cpu kernel within tolerance: ${describeCase}`, () => {
          const xnnpackRoute = convolutionalBackpropInput(originalWasmKernelFunc('Conv2DBackpropInput'), xnnpackConvolution);
          const xnnpack = onWasm(arrays, ({ dy, filter }, backend) => call(xnnpackRoute, { dy, filter }, inputAttrs, backend));
          const registered = () =>
            onWasm(arrays, ({ dy, filter }, backend) =>
              call(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc, { dy, filter }, inputAttrs, backend),
            );
          overrideDensestSparseShare(1);
          const passes = sparsePasses();
          const ours = registered();
          expect(sparsePasses()).toBeGreaterThan(passes);
          expect(bits(ours)).toEqual(bits(xnnpack));
          expect(bits(registered())).toEqual(bits(ours));
          overrideDensestSparseShare(null);
          expect(bits(registered())).toEqual(bits(xnnpack));
          expectClose(ours, onCpu('Conv2DBackpropInput', { dy: arrays.dy, filter: arrays.filter }, inputAttrs));
        });
    }
  });

  it('keeps NaN and ±Inf in the input where they would meet a pruned weight (then every step is taken)', () => {
    const c: ConvCase = { xShape: [4, 10, 10, 8], filterShape: [3, 3, 8, 16], pad: 'valid' };
    const rng = new Rng(5);
    const x = rng.normalArray(size(c.xShape));
    x[123] = Number.NaN;
    x[456] = Number.POSITIVE_INFINITY;
    x[789] = Number.NEGATIVE_INFINITY;
    const arrays = { x: { values: x, shape: c.xShape }, filter: { values: masked(rng, size(c.filterShape), 0.1), shape: c.filterShape } };
    const attrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] };
    const xnnpack = onWasm(arrays, ({ x, filter }, backend) => call(xnnpackConvolution, { x, filter }, attrs, backend));
    overrideDensestSparseShare(1);
    const ours = onWasm(arrays, ({ x, filter }, backend) =>
      call(tf.getKernel('Conv2D', 'wasm')!.kernelFunc, { x, filter }, attrs, backend),
    );
    expect(ours.filter(Number.isNaN).length).toBeGreaterThan(0);
    expect(bits(ours)).toEqual(bits(xnnpack));
  });
});

describe('dense layers’ products skipping a masked weight’s zero steps', () => {
  // x·(W⊙M) (zero steps of B, per column panel), dz·(W⊙M)ᵀ as ((W⊙M)·dzᵀ)ᵀ (zero steps of A, per tile of rows).
  const shapes: Array<{ a: number[]; b: number[]; transposeB: boolean }> = [
    { a: [60, 800], b: [800, 500], transposeB: false },
    { a: [60, 500], b: [800, 500], transposeB: true },
    { a: [1, 64, 100], b: [1, 100, 100], transposeB: false },
    { a: [60, 100], b: [300, 100], transposeB: true },
    { a: [12, 68], b: [68, 36], transposeB: false },
    { a: [60, 76], b: [300, 76], transposeB: true },
  ];
  for (const s of shapes)
    for (const density of DENSITIES)
      it(`density ${density}: the bits of tfjs's own product, on repeat too, and the cpu kernel within tolerance: a [${s.a}] · b [${s.b}]${s.transposeB ? 'ᵀ' : ''}`, () => {
        const rng = new Rng(size(s.a) + size(s.b) + Math.round(density * 100));
        const arrays = {
          a: { values: rng.normalArray(size(s.a)), shape: s.a },
          b: { values: masked(rng, size(s.b), density), shape: s.b },
        };
        const attrs = { transposeA: false, transposeB: s.transposeB };
        // tfjs's own product on b transposed explicitly (its transposing kernel sums in another order).
        const [rows, columns] = s.b.slice(-2);
        const bValues = arrays.b.values;
        const untransposed = s.transposeB ? bValues.map((_, i) => bValues[(i % rows) * columns + Math.floor(i / rows)]) : bValues;
        const bShape = s.transposeB ? [...s.b.slice(0, -2), columns, rows] : s.b;
        const theirs = onWasm({ a: arrays.a, b: { values: untransposed, shape: bShape } }, ({ a, b }, backend) =>
          call(originalWasmKernelFunc('BatchMatMul'), { a, b }, { transposeA: false, transposeB: false }, backend),
        );
        const registered = () =>
          onWasm(arrays, ({ a, b }, backend) => call(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc, { a, b }, attrs, backend));
        overrideDensestSparseShare(1);
        const passes = sparsePasses();
        const ours = registered();
        expect(sparsePasses()).toBeGreaterThan(passes);
        expect(bits(ours)).toEqual(bits(theirs));
        expect(bits(registered())).toEqual(bits(ours));
        overrideDensestSparseShare(null);
        expect(bits(registered())).toEqual(bits(theirs));
        expectClose(ours, onCpu('BatchMatMul', arrays, attrs));
      });
});
