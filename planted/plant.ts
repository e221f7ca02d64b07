/**
 * Planting a target network into a random mother MLP (Plant 'n' Seek, Fischer & Burkholz 2022).
 * Pure typed-array code: the mother is initialised here and the planting overwrites a few of its
 * weights, so the masked mother computes diag(outputScales) · f_target.
 */
import type { Rng } from '../engine/rng.ts';
import { SHARED_TICKET, type TargetNetwork, getWeight } from './target-network.ts';

export interface MotherNetwork {
  /** [d_in, w, …, w, d_out]. */
  widths: number[];
  /** kernels[l] is widths[l] × widths[l + 1], row-major (index = in · n_out + out). */
  kernels: Float32Array[];
  biases: Float32Array[];
}

/**
 * Weights N(0, 2/n_in); biases N(0, σ_l²) with σ_l = Π_{k ≤ l} sqrt(2/n_{k−1}), so a bias has the
 * scale of the pre-activation it is added to. Each layer draws from its own fork of rng.
 */
export function initialiseMother(widths: number[], rng: Rng): MotherNetwork {
  const kernels: Float32Array[] = [];
  const biases: Float32Array[] = [];
  let biasStd = 1;
  for (let l = 0; l + 1 < widths.length; l++) {
    const layerRng = rng.fork(`layer-${l + 1}`);
    const weightStd = Math.sqrt(2 / widths[l]);
    biasStd *= weightStd;
    kernels.push(layerRng.normalArray(widths[l] * widths[l + 1], 0, weightStd));
    biases.push(layerRng.normalArray(widths[l + 1], 0, biasStd));
  }
  return { widths: [...widths], kernels, biases };
}

export interface LayerPlanting {
  /** Mother neuron of each target neuron (after the output permutation, the output layer maps j → j). */
  neurons: Int32Array;
  /** Scale of each target neuron: the planted neuron's activation = scale · the target neuron's. */
  scales: Float64Array;
  /** Target neurons placed by the fallback (no unused mother neuron had matching signs). */
  fallbacks: number;
}

export interface PlantingResult {
  mother: MotherNetwork;
  /** 1 on planted kernel entries. */
  kernelMasks: Float32Array[];
  /** 1 on the biases of planted neurons. */
  biasMasks: Float32Array[];
  /** Per sub-ticket of the target, the same masks restricted to its edges and neurons (shared ones in each). */
  subTicketMasks: { name: string; kernelMasks: Float32Array[]; biasMasks: Float32Array[] }[];
  layers: LayerPlanting[];
  outputScales: Float64Array;
}

export interface PlantOptions {
  /**
   * Give all output neurons one scale (the geometric mean of their fitted scales). Used for
   * classification: argmax is invariant to a common positive scale but not to per-class scales.
   */
  sharedOutputScale: boolean;
}

interface Candidate {
  neuron: number;
  scale: number;
}

/**
 * Picks the unused mother neuron whose incoming values w (bias first, then the weights from the
 * planted inputs on the target's support) best match c · t for a c > 0:
 *   c = ⟨w, t⟩ / ⟨t, t⟩ (least squares); eligible if c > 0 and sign(w_i) = sign(t_i) wherever t_i ≠ 0;
 *   best = smallest L1 residual Σ |w_i − c t_i| (ties: lowest index).
 * Fallback when nobody is eligible: the unused neuron with the most sign agreements (ties: smallest
 * L1 residual at its magnitude-matching scale), with c = ‖w‖₂ / ‖t‖₂ so that the planted weights keep
 * the mother's magnitude.
 */
function matchNeuron(
  t: Float64Array,
  incoming: (neuron: number, out: Float64Array) => void,
  width: number,
  used: Uint8Array,
): Candidate & { fallback: boolean } {
  const w = new Float64Array(t.length);
  let tt = 0;
  for (const v of t) tt += v * v;
  let best: Candidate | null = null;
  let bestResidual = Infinity;
  let fallback: Candidate | null = null;
  let fallbackAgreements = -1;
  let fallbackResidual = Infinity;
  for (let k = 0; k < width; k++) {
    if (used[k]) continue;
    incoming(k, w);
    let wt = 0;
    let ww = 0;
    let agreements = 0;
    let support = 0;
    for (let i = 0; i < t.length; i++) {
      wt += w[i] * t[i];
      ww += w[i] * w[i];
      if (t[i] !== 0) {
        support++;
        if (Math.sign(w[i]) === Math.sign(t[i])) agreements++;
      }
    }
    const c = wt / tt;
    if (c > 0 && agreements === support) {
      const residual = l1Residual(w, t, c);
      if (residual < bestResidual) {
        bestResidual = residual;
        best = { neuron: k, scale: c };
      }
    }
    if (best === null && agreements >= fallbackAgreements) {
      const scale = ww > 0 ? Math.sqrt(ww / tt) : 1;
      const residual = l1Residual(w, t, scale);
      if (agreements > fallbackAgreements || residual < fallbackResidual) {
        fallbackAgreements = agreements;
        fallbackResidual = residual;
        fallback = { neuron: k, scale };
      }
    }
  }
  if (best) return { ...best, fallback: false };
  if (!fallback) throw new Error('planting: no unused mother neuron left');
  return { ...fallback, fallback: true };
}

function l1Residual(w: Float64Array, t: Float64Array, c: number): number {
  let r = 0;
  for (let i = 0; i < t.length; i++) r += Math.abs(w[i] - c * t[i]);
  return r;
}

/**
 * Plants `target` into `mother` (modified in place), layer by layer. The input layer maps target
 * input i to mother input i with scale 1. For target neuron j of layer l, with planted inputs i at
 * mother neurons π(i) of scales s_i, the target's incoming vector in mother units is
 * t = (b_j, W_ij / s_i for W_ij ≠ 0); the chosen neuron k gets bias c·b_j and weights c·W_ij/s_i
 * from π(i), and s_j = c. ReLU is positively homogeneous, so neuron k outputs s_j times the target
 * neuron, and the masked mother computes diag(s_out) · f_target. Nothing else is changed. The output
 * neurons are then permuted (columns of the last kernel and bias) into target order.
 */
export function plantTarget(target: TargetNetwork, mother: MotherNetwork, options: PlantOptions): PlantingResult {
  const depth = mother.kernels.length;
  if (target.layers.length !== depth)
    throw new Error(`planting: target '${target.name}' has ${target.layers.length} layers, the mother ${depth}`);
  if (target.dIn !== mother.widths[0])
    throw new Error(`planting: target '${target.name}' reads ${target.dIn} inputs, the mother ${mother.widths[0]}`);
  if (target.dOut !== mother.widths[depth])
    throw new Error(`planting: target '${target.name}' has ${target.dOut} outputs, the mother ${mother.widths[depth]}`);
  target.layers.forEach((layer, l) => {
    if (layer.nOut > mother.widths[l + 1])
      throw new Error(
        `planting: target '${target.name}' layer ${l + 1} has ${layer.nOut} neurons, the mother only ${mother.widths[l + 1]}`,
      );
  });

  const kernelMasks = mother.kernels.map((k) => new Float32Array(k.length));
  const biasMasks = mother.biases.map((b) => new Float32Array(b.length));
  const subTicketMasks = target.subTickets.map((name) => ({
    name,
    kernelMasks: mother.kernels.map((k) => new Float32Array(k.length)),
    biasMasks: mother.biases.map((b) => new Float32Array(b.length)),
  }));
  const markTicket = (ticket: number, mark: (masks: (typeof subTicketMasks)[number]) => void) => {
    subTicketMasks.forEach((masks, q) => {
      if (ticket === SHARED_TICKET || ticket === q) mark(masks);
    });
  };

  const layers: LayerPlanting[] = [];
  let previousNeurons = Int32Array.from({ length: target.dIn }, (_, i) => i);
  let previousScales = new Float64Array(target.dIn).fill(1);
  for (let l = 0; l < depth; l++) {
    const layer = target.layers[l];
    const kernel = mother.kernels[l];
    const bias = mother.biases[l];
    const nOutMother = mother.widths[l + 1];
    const used = new Uint8Array(nOutMother);
    const neurons = new Int32Array(layer.nOut);
    const scales = new Float64Array(layer.nOut);
    let fallbacks = 0;
    for (let j = 0; j < layer.nOut; j++) {
      const support: number[] = [];
      for (let i = 0; i < layer.nIn; i++) if (getWeight(layer, i, j) !== 0) support.push(i);
      const t = new Float64Array(1 + support.length);
      t[0] = layer.bias[j];
      support.forEach((i, r) => (t[1 + r] = getWeight(layer, i, j) / previousScales[i]));
      const incoming = (k: number, out: Float64Array) => {
        out[0] = bias[k];
        support.forEach((i, r) => (out[1 + r] = kernel[previousNeurons[i] * nOutMother + k]));
      };
      const choice = matchNeuron(t, incoming, nOutMother, used);
      used[choice.neuron] = 1;
      neurons[j] = choice.neuron;
      scales[j] = choice.scale;
      if (choice.fallback) fallbacks++;
    }
    const last = l === depth - 1;
    if (last && options.sharedOutputScale) {
      let logSum = 0;
      for (const s of scales) logSum += Math.log(s);
      scales.fill(Math.exp(logSum / scales.length));
    }
    for (let j = 0; j < layer.nOut; j++) {
      const k = neurons[j];
      bias[k] = scales[j] * layer.bias[j];
      biasMasks[l][k] = 1;
      markTicket(layer.neuronTicket[j], (m) => (m.biasMasks[l][k] = 1));
      for (let i = 0; i < layer.nIn; i++) {
        const w = getWeight(layer, i, j);
        if (w === 0) continue;
        const index = previousNeurons[i] * nOutMother + k;
        kernel[index] = (scales[j] * w) / previousScales[i];
        kernelMasks[l][index] = 1;
        markTicket(layer.edgeTicket[i * layer.nOut + j], (m) => (m.kernelMasks[l][index] = 1));
      }
    }
    if (last) {
      permuteOutputs(
        neurons,
        [mother.kernels[l], kernelMasks[l], ...subTicketMasks.map((m) => m.kernelMasks[l])],
        [mother.biases[l], biasMasks[l], ...subTicketMasks.map((m) => m.biasMasks[l])],
        nOutMother,
      );
      neurons.forEach((_, j) => (neurons[j] = j));
    }
    layers.push({ neurons, scales, fallbacks });
    previousNeurons = neurons;
    previousScales = scales;
  }
  return { mother, kernelMasks, biasMasks, subTicketMasks, layers, outputScales: layers[depth - 1].scales.slice() };
}

/** Reorders output columns so that column j holds the mother neuron planted for target output j. */
function permuteOutputs(order: Int32Array, kernels: Float32Array[], biases: Float32Array[], nOut: number): void {
  for (const kernel of kernels) {
    const rows = kernel.length / nOut;
    const copy = kernel.slice();
    for (let r = 0; r < rows; r++) for (let j = 0; j < nOut; j++) kernel[r * nOut + j] = copy[r * nOut + order[j]];
  }
  for (const bias of biases) {
    const copy = bias.slice();
    for (let j = 0; j < nOut; j++) bias[j] = copy[order[j]];
  }
}
