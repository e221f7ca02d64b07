/**
 * The planted target networks (after Fischer & Burkholz 2022, "Plant 'n' Seek") and the exact
 * functions they approximate, which label the data. Depth = number of weight layers.
 */
import {
  SHARED_TICKET,
  type TargetLayer,
  type TargetNetwork,
  dropRoundingResidue,
  emptyLayer,
  identityLayer,
  setWeight,
  validateTarget,
} from './target-network.ts';

export type PlantedTarget = 'relu' | 'circle' | 'helix' | 'disparity';

// ---------------------------------------------------------------------------------------------
// Exact target functions

/** Class k wins where the line slopes[k]·s + intercepts[k] is highest. */
export interface ClassLines {
  slopes: number[];
  intercepts: number[];
}

/**
 * Lines with the given slopes (increasing) whose upper envelope switches from class k−1 to class k
 * exactly at bounds[k−1]: intercept_k = intercept_{k−1} + (slope_{k−1} − slope_k) · bounds[k−1].
 */
export function classLines(slopes: readonly number[], bounds: readonly number[]): ClassLines {
  if (slopes.length !== bounds.length + 1)
    throw new Error(`classLines: ${slopes.length} slopes need ${slopes.length - 1} bounds, got ${bounds.length}`);
  const intercepts = [0];
  for (let k = 1; k < slopes.length; k++) {
    if (!(slopes[k] > slopes[k - 1])) throw new Error('classLines: slopes must increase');
    if (k > 1 && !(bounds[k - 1] > bounds[k - 2])) throw new Error('classLines: bounds must increase');
    intercepts.push(intercepts[k - 1] + (slopes[k - 1] - slopes[k]) * bounds[k - 1]);
  }
  return { slopes: [...slopes], intercepts };
}

function lineValues(lines: ClassLines, s: number): number[] {
  return lines.slopes.map((a, k) => a * s + lines.intercepts[k]);
}

/** The winning class and the runner-up (always an adjacent class for an upper envelope of these lines). */
export function rankClasses(lines: ClassLines, s: number): { best: number; runnerUp: number } {
  const values = lineValues(lines, s);
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  let runnerUp = best === 0 ? 1 : 0;
  for (let k = 0; k < values.length; k++) if (k !== best && values[k] > values[runnerUp]) runnerUp = k;
  return { best, runnerUp };
}

/** Circle: rings at r² = 0.2, 0.5, 0.7 give classes 0 (inside) … 3 (outside). */
export const CIRCLE_RING_BOUNDS = [0.2, 0.5, 0.7] as const;
/** Class slopes of the Circle output layer (the paper's 5, 10, 20, 40; the same lines as its 50 · (0.1s, 0.2s − 0.02, …)). */
export const CIRCLE_CLASS_SLOPES = [5, 10, 20, 40] as const;
export const CIRCLE_LINES = classLines(CIRCLE_CLASS_SLOPES, CIRCLE_RING_BOUNDS);
/** Knots per coordinate of the piecewise-linear square (the paper's nknots = 10). */
export const CIRCLE_KNOTS = 10;

/** Disparity minority rule: diagonal stripes of t = (x1 + x2)/2 split at −0.5, 0, 0.5. */
export const STRIPE_BOUNDS = [-0.5, 0, 0.5] as const;
export const STRIPE_CLASS_SLOPES = [2, 6, 10, 14] as const;
export const STRIPE_LINES = classLines(STRIPE_CLASS_SLOPES, STRIPE_BOUNDS);

export function stripeCoordinate(x1: number, x2: number): number {
  return (x1 + x2) / 2;
}

/** Helix: u = 5π + 3πx, (u cos u, u sin u, u) / (8π). */
export const HELIX_KNOTS = 30;
export function helixPoint(x: number): [number, number, number] {
  const u = 5 * Math.PI + 3 * Math.PI * x;
  const scale = 8 * Math.PI;
  return [(u * Math.cos(u)) / scale, (u * Math.sin(u)) / scale, u / scale];
}

// ---------------------------------------------------------------------------------------------
// Hinge (piecewise-linear) approximation

/**
 * A set of hinge neurons φ(sign_k · (t − knot_k)) on one scalar t = Σ weight · h[index] read from
 * the previous layer. Signs alternate (+, −, +, …) as in the paper, so the hidden neurons have
 * mixed sign patterns; the first is + so that the expansion is anchored at the leftmost knot.
 */
export interface HingeSet {
  readout: Array<[index: number, weight: number]>;
  knots: number[];
  signs: number[];
}

export function alternatingHinges(readout: Array<[number, number]>, low: number, high: number, count: number): HingeSet {
  if (count < 2) throw new Error(`alternatingHinges: need at least 2 knots, got ${count}`);
  const knots = Array.from({ length: count }, (_, k) => low + ((high - low) * k) / (count - 1));
  const signs = knots.map((_, k) => (k % 2 === 0 ? 1 : -1));
  return { readout, knots, signs };
}

/**
 * Output weights and bias such that Σ_k w_k φ(sign_k (t − knot_k)) + b interpolates fn at the knots
 * and continues with the slope of the next spacing past the last knot. A + hinge adds its slope
 * change right of its knot; a − hinge φ(knot − t) = φ(t − knot) − (t − knot) adds the same kink plus
 * a line, which the first (+) hinge's weight compensates.
 */
export function interpolationWeights(set: HingeSet, fn: (t: number) => number): { weights: number[]; bias: number } {
  const { knots, signs } = set;
  if (signs[0] !== 1) throw new Error('interpolationWeights: the first hinge must have sign +1');
  const count = knots.length;
  const spacing = knots[1] - knots[0];
  const points = [...knots, knots[count - 1] + spacing];
  const slopes = knots.map((_, k) => (fn(points[k + 1]) - fn(points[k])) / (points[k + 1] - points[k]));
  const weights = knots.map((_, k) => (k === 0 ? 0 : slopes[k] - slopes[k - 1]));
  let negativeKinks = 0;
  for (let k = 1; k < count; k++) if (signs[k] < 0) negativeKinks += weights[k];
  weights[0] = slopes[0] + negativeKinks;
  let atFirstKnot = 0;
  for (let k = 0; k < count; k++) atFirstKnot += weights[k] * Math.max(0, signs[k] * (knots[0] - knots[k]));
  return { weights, bias: fn(knots[0]) - atFirstKnot };
}

/** One layer holding the hinge neurons of several sets, side by side; offsets[i] is where set i starts. */
function hingeLayer(nIn: number, sets: HingeSet[]): { layer: TargetLayer; offsets: number[] } {
  const offsets: number[] = [];
  let width = 0;
  for (const set of sets) {
    offsets.push(width);
    width += set.knots.length;
  }
  const layer = emptyLayer(nIn, width);
  sets.forEach((set, s) => {
    set.knots.forEach((knot, k) => {
      const neuron = offsets[s] + k;
      for (const [index, weight] of set.readout) setWeight(layer, index, neuron, set.signs[k] * weight);
      layer.bias[neuron] = -set.signs[k] * knot;
    });
  });
  return { layer, offsets };
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/** φ(x_i) and φ(−x_i) at neurons 2i and 2i + 1: x_i = φ(x_i) − φ(−x_i) and |x_i| = φ(x_i) + φ(−x_i). */
function signSplitLayer(n: number): TargetLayer {
  const layer = emptyLayer(n, 2 * n);
  for (let i = 0; i < n; i++) {
    setWeight(layer, i, 2 * i, 1);
    setWeight(layer, i, 2 * i + 1, -1);
  }
  return layer;
}

/** |x_i| = φ(x_i) + φ(−x_i) from a sign-split layer. */
function absoluteValueLayer(n: number): TargetLayer {
  const layer = emptyLayer(2 * n, n);
  for (let i = 0; i < n; i++) {
    setWeight(layer, 2 * i, i, 1);
    setWeight(layer, 2 * i + 1, i, 1);
  }
  return layer;
}

/**
 * A mirroring (fold) of a planar point p = R·h lying in the wedge of angles [0, 2θ]: with
 * v = (cos θ, sin θ) and v⊥ = (sin θ, −cos θ) the layer computes u = φ(v·p) (= v·p, since the point
 * is within θ ≤ π/4 of v), φ(v⊥·p) and φ(−v⊥·p). The folded point p' = u·v + |v⊥·p|·v⊥ has the same
 * norm and lies in the wedge [0, θ]; the returned readout gives p' from the new layer.
 */
function mirrorLayer(readout: [number[], number[]], angle: number): { layer: TargetLayer; readout: [number[], number[]] } {
  const [ra, rb] = readout;
  const v = [Math.cos(angle), Math.sin(angle)];
  const vPerp = [Math.sin(angle), -Math.cos(angle)];
  const layer = emptyLayer(ra.length, 3);
  for (let i = 0; i < ra.length; i++) {
    const along = v[0] * ra[i] + v[1] * rb[i];
    const across = vPerp[0] * ra[i] + vPerp[1] * rb[i];
    if (along !== 0) setWeight(layer, i, 0, along);
    if (across !== 0) {
      setWeight(layer, i, 1, across);
      setWeight(layer, i, 2, -across);
    }
  }
  return {
    layer,
    readout: [
      [v[0], vPerp[0], vPerp[0]],
      [v[1], vPerp[1], vPerp[1]],
    ],
  };
}

function finish(network: TargetNetwork): TargetNetwork {
  dropRoundingResidue(network);
  validateTarget(network);
  return network;
}

// ---------------------------------------------------------------------------------------------
// Targets

/** ReLU: y = φ(x) as a chain of single neurons of weight 1 (the first applies φ, the rest pass it on). */
export function reluTarget(depth: number): TargetNetwork {
  if (depth < 2) throw new Error(`relu target: depth must be at least 2 (one hidden ReLU), got ${depth}`);
  return finish({ name: 'relu', dIn: 1, dOut: 1, layers: Array.from({ length: depth }, () => identityLayer(1)), subTickets: ['ticket'] });
}

/**
 * The Circle target's feature layers: everything up to and including the hinge layer whose weighted
 * sum approximates s = x1² + x2². Returns the layers and the hinge sets (one per squared coordinate).
 *   depth 2: hinges on x_i over [−1, 1];
 *   depth 3: φ(±x_i), then hinges on |x_i| = φ(x_i) + φ(−x_i) over [0, 1];
 *   depth 4: φ(±x_i), |x_i|, hinges on |x_i| over [0, 1];
 *   depth ≥ 5: φ(±x_i), |x_i|, depth − 4 mirrorings at angles π/4, π/8, …, then hinges on the
 *     component along the last mirror axis over [0, √2] and on the component across it over
 *     [0, sin θ·√0.7 + 0.01] (it is at most r·sin θ; accuracy matters up to the outer ring),
 *     the 2·10 knots split in proportion to the two ranges (at least 3 across), as in the paper.
 */
function circleFeatures(depth: number): { layers: TargetLayer[]; sets: HingeSet[] } {
  const layers: TargetLayer[] = [];
  if (depth === 2) {
    const sets = [0, 1].map((i) => alternatingHinges([[i, 1]], -1, 1, CIRCLE_KNOTS));
    layers.push(hingeLayer(2, sets).layer);
    return { layers, sets };
  }
  layers.push(signSplitLayer(2));
  let sets: HingeSet[];
  if (depth === 3) {
    sets = [0, 1].map((i) =>
      alternatingHinges(
        [
          [2 * i, 1],
          [2 * i + 1, 1],
        ],
        0,
        1,
        CIRCLE_KNOTS,
      ),
    );
  } else {
    layers.push(absoluteValueLayer(2));
    if (depth === 4) {
      sets = [0, 1].map((i) => alternatingHinges([[i, 1]], 0, 1, CIRCLE_KNOTS));
    } else {
      let readout: [number[], number[]] = [
        [1, 0],
        [0, 1],
      ];
      let angle = Math.PI / 2;
      for (let m = 0; m < depth - 4; m++) {
        angle /= 2;
        const mirror = mirrorLayer(readout, angle);
        layers.push(mirror.layer);
        readout = mirror.readout;
      }
      const alongRange = Math.SQRT2;
      const acrossRange = Math.sin(angle) * Math.sqrt(CIRCLE_RING_BOUNDS[2]) + 0.01;
      const totalKnots = 2 * CIRCLE_KNOTS;
      const alongKnots = Math.min(Math.ceil((alongRange / (acrossRange + alongRange)) * totalKnots), totalKnots - 3);
      const acrossKnots = Math.max(totalKnots - alongKnots, 3);
      sets = [
        alternatingHinges([[0, 1]], 0, alongRange, alongKnots),
        alternatingHinges(
          [
            [1, 1],
            [2, 1],
          ],
          0,
          acrossRange,
          acrossKnots,
        ),
      ];
    }
  }
  layers.push(hingeLayer(layers[layers.length - 1].nOut, sets).layer);
  return { layers, sets };
}

/** Output layer z_k = slope_k · (Σ_sets Σ hinge interpolation of t ↦ t²) + intercept_k. */
function squareSumToClassLines(sets: HingeSet[], nIn: number, lines: ClassLines): TargetLayer {
  const layer = emptyLayer(nIn, lines.slopes.length);
  let offset = 0;
  let squareBias = 0;
  const terms = sets.map((set) => {
    const term = { offset, ...interpolationWeights(set, (t) => t * t) };
    offset += set.knots.length;
    squareBias += term.bias;
    return term;
  });
  lines.slopes.forEach((slope, k) => {
    for (const term of terms) term.weights.forEach((w, i) => setWeight(layer, term.offset + i, k, slope * w));
    layer.bias[k] = slope * squareBias + lines.intercepts[k];
  });
  return layer;
}

/** Circle: logits z_k = a_k · ŝ + β_k, ŝ ≈ x1² + x2² by hinges, a = 5, 10, 20, 40; argmax = ring. */
export function circleTarget(depth: number): TargetNetwork {
  if (depth < 2) throw new Error(`circle target: depth must be at least 2, got ${depth}`);
  const { layers, sets } = circleFeatures(depth);
  layers.push(squareSumToClassLines(sets, layers[layers.length - 1].nOut, CIRCLE_LINES));
  return finish({ name: 'circle', dIn: 2, dOut: 4, layers, subTickets: ['ticket'] });
}

/**
 * Helix: 30 alternating-sign hinges approximate each coordinate.
 *   depth 2: hinges on x over [−1, 1], linear output;
 *   depth 3: φ(x + 1), hinges on it over [0, 2] (for f(t − 1)), linear output;
 *   depth ≥ 4: as depth 3 but the hinge combination is a hidden layer computing y + 1 (the
 *     coordinates lie in [−0.875, 1], so y + 1 > 0 passes ReLU unchanged), then identity layers,
 *     and the linear output layer is the identity with bias −1.
 */
export function helixTarget(depth: number): TargetNetwork {
  if (depth < 2) throw new Error(`helix target: depth must be at least 2, got ${depth}`);
  const coordinates = [0, 1, 2].map((j) => (x: number) => helixPoint(x)[j]);
  const layers: TargetLayer[] = [];
  let set: HingeSet;
  let shift = 0;
  if (depth === 2) {
    set = alternatingHinges([[0, 1]], -1, 1, HELIX_KNOTS);
  } else {
    const lift = emptyLayer(1, 1);
    setWeight(lift, 0, 0, 1);
    lift.bias[0] = 1;
    layers.push(lift);
    set = alternatingHinges([[0, 1]], 0, 2, HELIX_KNOTS);
    shift = 1;
  }
  layers.push(hingeLayer(1, [set]).layer);
  const combine = emptyLayer(HELIX_KNOTS, 3);
  const offset = depth >= 4 ? 1 : 0;
  coordinates.forEach((fn, j) => {
    const { weights, bias } = interpolationWeights(set, (t) => fn(t - shift));
    weights.forEach((w, k) => setWeight(combine, k, j, w));
    combine.bias[j] = bias + offset;
  });
  layers.push(combine);
  if (depth >= 4) {
    for (let l = 0; l < depth - 4; l++) layers.push(identityLayer(3));
    const output = identityLayer(3);
    output.bias.fill(-1);
    layers.push(output);
  }
  return finish({ name: 'helix', dIn: 1, dOut: 3, layers, subTickets: ['ticket'] });
}

/** Stripes: φ(t), φ(−t) for t = (x1 + x2)/2, carried by identity layers, then z_k = a_k (φ(t) − φ(−t)) + β_k. */
function stripeTarget(depth: number): TargetNetwork {
  const split = emptyLayer(2, 2);
  for (const i of [0, 1]) {
    setWeight(split, i, 0, 0.5);
    setWeight(split, i, 1, -0.5);
  }
  const layers = [split];
  for (let l = 0; l < depth - 2; l++) layers.push(identityLayer(2));
  const output = emptyLayer(2, 4);
  STRIPE_LINES.slopes.forEach((a, k) => {
    setWeight(output, 0, k, a);
    setWeight(output, 1, k, -a);
    output.bias[k] = STRIPE_LINES.intercepts[k];
  });
  layers.push(output);
  return { name: 'stripes', dIn: 2, dOut: 4, layers, subTickets: ['ticket'] };
}

/** Gate constants of the disparity target: every branch logit z satisfies 0 < z + C < M. */
export const GATE_OFFSET = 25;
export const GATE_STRENGTH = 100;
export const DISPARITY_SUB_TICKETS = ['majority', 'minority'] as const;

/**
 * A branch of depth D that reads the full disparity input (x1, x2, g), computes `core` on (x1, x2)
 * and carries g along a chain of single neurons; its last layer (ReLU) outputs the core's logits
 * plus GATE_OFFSET when g equals `openFor`, and 0 otherwise.
 */
function gatedBranch(core: TargetNetwork, openFor: 0 | 1, ticket: number): TargetLayer[] {
  const depth = core.layers.length;
  return core.layers.map((coreLayer, l) => {
    const last = l === depth - 1;
    const nIn = l === 0 ? 3 : core.layers[l - 1].nOut + 1;
    const layer = emptyLayer(nIn, coreLayer.nOut + (last ? 0 : 1), ticket);
    for (let i = 0; i < coreLayer.nIn; i++) {
      for (let j = 0; j < coreLayer.nOut; j++) setWeight(layer, i, j, coreLayer.kernel[i * coreLayer.nOut + j]);
    }
    layer.bias.set(coreLayer.bias);
    const gateIn = l === 0 ? 2 : core.layers[l - 1].nOut;
    if (!last) {
      setWeight(layer, gateIn, coreLayer.nOut, 1);
    } else {
      for (let j = 0; j < coreLayer.nOut; j++) {
        setWeight(layer, gateIn, j, openFor === 0 ? -GATE_STRENGTH : GATE_STRENGTH);
        layer.bias[j] += GATE_OFFSET - (openFor === 1 ? GATE_STRENGTH : 0);
      }
    }
    return layer;
  });
}

/** Two branches side by side: the first layers share the input, later layers are block-diagonal. */
function sideBySide(a: TargetLayer[], b: TargetLayer[]): TargetLayer[] {
  return a.map((la, l) => {
    const lb = b[l];
    const shared = l === 0;
    const layer = emptyLayer(shared ? la.nIn : la.nIn + lb.nIn, la.nOut + lb.nOut);
    const bRowOffset = shared ? 0 : la.nIn;
    for (let i = 0; i < la.nIn; i++) {
      for (let j = 0; j < la.nOut; j++) {
        setWeight(layer, i, j, la.kernel[i * la.nOut + j]);
        layer.edgeTicket[i * layer.nOut + j] = la.edgeTicket[i * la.nOut + j];
      }
    }
    for (let i = 0; i < lb.nIn; i++) {
      for (let j = 0; j < lb.nOut; j++) {
        setWeight(layer, bRowOffset + i, la.nOut + j, lb.kernel[i * lb.nOut + j]);
        layer.edgeTicket[(bRowOffset + i) * layer.nOut + la.nOut + j] = lb.edgeTicket[i * lb.nOut + j];
      }
    }
    layer.bias.set(la.bias, 0);
    layer.bias.set(lb.bias, la.nOut);
    layer.neuronTicket.set(la.neuronTicket, 0);
    layer.neuronTicket.set(lb.neuronTicket, la.nOut);
    return layer;
  });
}

/**
 * Disparity: input (x1, x2, g), g = 1 for the minority group. The majority sub-ticket is a Circle
 * target of depth L − 1 whose last layer is gated open for g = 0; the minority sub-ticket computes the
 * stripe rule on t = (x1 + x2)/2, gated open for g = 1; each carries g on its own neuron chain, so the
 * two sub-tickets share no edge. The output layer adds the two gated logits and subtracts C:
 * logit_k = z_major,k (g = 0) or z_minor,k (g = 1) exactly.
 */
export function disparityTarget(depth: number): TargetNetwork {
  if (depth < 3) throw new Error(`disparity target: depth must be at least 3, got ${depth}`);
  const majority = gatedBranch(circleTarget(depth - 1), 0, 0);
  const minority = gatedBranch(stripeTarget(depth - 1), 1, 1);
  const layers = sideBySide(majority, minority);
  const classes = 4;
  const combine = emptyLayer(2 * classes, classes, SHARED_TICKET);
  for (let k = 0; k < classes; k++) {
    setWeight(combine, k, k, 1);
    combine.edgeTicket[k * classes + k] = 0;
    setWeight(combine, classes + k, k, 1);
    combine.edgeTicket[(classes + k) * classes + k] = 1;
    combine.bias[k] = -GATE_OFFSET;
  }
  layers.push(combine);
  return finish({ name: 'disparity', dIn: 3, dOut: classes, layers, subTickets: [...DISPARITY_SUB_TICKETS] });
}

export function buildTarget(target: PlantedTarget, depth: number): TargetNetwork {
  switch (target) {
    case 'relu':
      return reluTarget(depth);
    case 'circle':
      return circleTarget(depth);
    case 'helix':
      return helixTarget(depth);
    case 'disparity':
      return disparityTarget(depth);
  }
}
