/** A pure-JS forward pass of the planted MLPs and the planted ticket's own score. */
import type { ArchitectureSpec } from '../engine/architecture.ts';
import type { Dataset, MaskMap, WeightMap } from '../engine/types.ts';
import { biasName, kernelName, mlpWidths } from './architecture.ts';
import type { PlantedTask } from './generate.ts';

/** weights ⊙ mask for every parameter the mask names; the others are copied unchanged. */
export function applyMask(weights: WeightMap, mask: MaskMap): WeightMap {
  const out: WeightMap = {};
  for (const [name, values] of Object.entries(weights)) {
    const m = mask[name];
    if (!m) {
      out[name] = values.slice();
      continue;
    }
    if (m.length !== values.length) throw new Error(`applyMask: mask '${name}' has ${m.length} entries, the weights ${values.length}`);
    out[name] = values.map((v, i) => v * m[i]);
  }
  return out;
}

/** Outputs (n × d_out, float64, linear last layer) of a ReLU MLP built by mlpArchitecture. */
export function forwardMlp(
  architecture: ArchitectureSpec,
  weights: WeightMap,
  data: Pick<Dataset, 'n' | 'x'>,
  mask?: MaskMap,
): Float64Array {
  const widths = mlpWidths(architecture);
  const depth = widths.length - 1;
  const effective = mask ? applyMask(weights, mask) : weights;
  const kernels: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 1; l <= depth; l++) {
    const kernel = effective[kernelName(l)];
    const bias = effective[biasName(l)];
    if (!kernel || kernel.length !== widths[l - 1] * widths[l])
      throw new Error(`forwardMlp: '${kernelName(l)}' is missing or not ${widths[l - 1]} × ${widths[l]}`);
    if (!bias || bias.length !== widths[l]) throw new Error(`forwardMlp: '${biasName(l)}' is missing or not of length ${widths[l]}`);
    kernels.push(kernel);
    biases.push(bias);
  }
  const dIn = widths[0];
  const dOut = widths[depth];
  if (data.x.length !== data.n * dIn) throw new Error(`forwardMlp: ${data.x.length} input values for ${data.n} samples of width ${dIn}`);
  const out = new Float64Array(data.n * dOut);
  const buffers = widths.map((w) => new Float64Array(w));
  for (let s = 0; s < data.n; s++) {
    const input = buffers[0];
    for (let i = 0; i < dIn; i++) input[i] = data.x[s * dIn + i];
    for (let l = 0; l < depth; l++) {
      const source = buffers[l];
      const target = buffers[l + 1];
      const nOut = widths[l + 1];
      const kernel = kernels[l];
      for (let j = 0; j < nOut; j++) target[j] = biases[l][j];
      for (let i = 0; i < widths[l]; i++) {
        const a = source[i];
        if (a === 0) continue;
        const row = i * nOut;
        for (let j = 0; j < nOut; j++) target[j] += a * kernel[row + j];
      }
      if (l < depth - 1) for (let j = 0; j < nOut; j++) if (target[j] < 0) target[j] = 0;
    }
    out.set(buffers[depth], s * dOut);
  }
  return out;
}

/** Per-output least-squares rescaling λ_j = Σ_i y_ij f_ij / Σ_i f_ij² (λ_j = 1 when f_j is identically 0). */
export function leastSquaresRescale(outputs: Float64Array, targets: ArrayLike<number>, dOut: number): Float64Array {
  const lambdas = new Float64Array(dOut);
  const n = outputs.length / dOut;
  for (let j = 0; j < dOut; j++) {
    let yf = 0;
    let ff = 0;
    for (let i = 0; i < n; i++) {
      yf += targets[i * dOut + j] * outputs[i * dOut + j];
      ff += outputs[i * dOut + j] ** 2;
    }
    lambdas[j] = ff === 0 ? 1 : yf / ff;
  }
  return lambdas;
}

export interface PlantedScore {
  metric: 'accuracy' | 'mse';
  score: number;
  /** Regression: the per-output rescaling applied before the MSE; classification: none (null). */
  lambdas: Float64Array | null;
  /** The same score per group when the split has groups (disparity), by group id. */
  groupScores: { group: number; n: number; score: number }[];
}

/**
 * Scores network outputs on a data set. Regression: after per-output least-squares rescaling (the
 * planted ticket computes diag(scale) · f_target), the squared error summed over the d outputs and
 * averaged over the n samples, the harness's MSE (`meanSquaredError`), so the planted ticket's
 * reference score and a record's scores are the same quantity. Classification:
 * accuracy of the argmax without rescaling; planted classification tasks give every output the same
 * scale, and argmax is invariant to a common positive scale (not to per-class scales).
 */
export function scoreOutputs(outputs: Float64Array, data: Dataset): PlantedScore {
  const d = data.outputSize;
  const groupIds = data.groups ? [...new Set(data.groups)].sort((a, b) => a - b) : [];
  const perSample = new Float64Array(data.n);
  let lambdas: Float64Array | null = null;
  if (data.y instanceof Int32Array) {
    for (let i = 0; i < data.n; i++) {
      let best = 0;
      for (let j = 1; j < d; j++) if (outputs[i * d + j] > outputs[i * d + best]) best = j;
      perSample[i] = best === data.y[i] ? 1 : 0;
    }
  } else {
    const y = data.y;
    lambdas = leastSquaresRescale(outputs, y, d);
    for (let i = 0; i < data.n; i++) {
      let se = 0;
      for (let j = 0; j < d; j++) se += (y[i * d + j] - lambdas[j] * outputs[i * d + j]) ** 2;
      perSample[i] = se;
    }
  }
  const mean = (indices: (i: number) => boolean) => {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < data.n; i++) {
      if (!indices(i)) continue;
      sum += perSample[i];
      count++;
    }
    return { n: count, score: count === 0 ? NaN : sum / count };
  };
  return {
    metric: data.y instanceof Int32Array ? 'accuracy' : 'mse',
    score: mean(() => true).score,
    lambdas,
    groupScores: groupIds.map((group) => ({ group, ...mean((i) => data.groups![i] === group) })),
  };
}

/** The planted ticket alone (truth mask applied to the planted weights) on the test split. */
export function plantedTicketScore(task: PlantedTask, mask: MaskMap = task.truthMask): PlantedScore {
  const test = task.splits.test;
  return scoreOutputs(forwardMlp(task.architecture, task.weights, test, mask), test);
}
