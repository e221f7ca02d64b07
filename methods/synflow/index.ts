import type { MaskMap, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';

type Tensor = Parameters<PruneContext['forward']>[0];

/**
 * SynFlow (Tanaka et al. 2020), data-free. Every parameter is replaced by its magnitude (biases
 * too, as in the authors' code), the all-ones input is fed through the masked network and
 * R = Σ outputs = 1ᵀ(Π|W|)1 is differentiated; a weight's score is |θ ⊙ ∂R/∂θ|. Over `rounds`
 * rounds the kept count follows the exponential schedule (1 − s)^{k/n} of the total, each round's
 * mask being the global top scores; the last round keeps exactly the target count.
 */
export function prune(ctx: PruneContext): PruneResult {
  const rounds = hyperparameters(ctx).integer('rounds');
  const names = [...ctx.network.prunableNames];
  const magnitudes = ctx.network.getWeights(ctx.network.parameters.map((p) => p.name));
  for (const values of Object.values(magnitudes)) for (let i = 0; i < values.length; i++) values[i] = Math.abs(values[i]);
  const total = names.reduce((sum, n) => sum + magnitudes[n].length, 0);
  const density = 1 - ctx.target.sparsity;

  // Only the shape of a sample is read: SynFlow's input is all ones.
  const [sample] = ctx.trainBatches(1, 1);
  const inputShape = sample.x.shape;
  sample.x.dispose();
  sample.y.dispose();

  let masks: MaskMap = Object.fromEntries(names.map((n) => [n, new Float32Array(magnitudes[n].length).fill(1)]));
  for (let round = 1; round <= rounds; round++) {
    const scores = synapticFlowScores(ctx, magnitudes, masks, inputShape);
    const keep =
      round === rounds
        ? ctx.target.keepCount
        : Math.max(ctx.target.keepCount, total - Math.round((1 - Math.pow(density, round / rounds)) * total));
    masks = keepTopScores(scores, masks, names, keep);
  }
  return { masks };
}

/**
 * |θ ⊙ ∂R/∂θ| for the masked magnitudes. R is a product over layers and overflows (or underflows)
 * float32 on deep or wide networks, so each layer's kernel is divided by its mean column sum
 * (mean over output units of Σ|w|) and each bias by the product of those divisors up to its
 * layer. Every score then scales by the same positive constant, so their order is unchanged,
 * while the activations of the all-ones input stay near 1.
 */
function synapticFlowScores(ctx: PruneContext, magnitudes: WeightMap, masks: MaskMap, inputShape: number[]): WeightMap {
  const tf = ctx.tf;
  const names = [...ctx.network.prunableNames];
  const scaled: WeightMap = {};
  let cumulativeScale = 1;
  for (const p of ctx.network.parameters) {
    const values = magnitudes[p.name];
    if (p.role === 'kernel') {
      const kernel = masks[p.name] ? values.map((v, i) => v * masks[p.name][i]) : values.slice();
      const outputs = p.shape[p.shape.length - 1];
      const sum = kernel.reduce((a, b) => a + b, 0);
      const scale = sum > 0 ? outputs / sum : 1;
      cumulativeScale *= scale;
      scaled[p.name] = kernel.map((v) => v * scale);
    } else {
      scaled[p.name] = values.map((v) => v * cumulativeScale);
    }
  }

  const scores: WeightMap = {};
  tf.tidy(() => {
    const shapes = Object.fromEntries(ctx.network.parameters.map((p) => [p.name, p.shape]));
    const fixed = Object.fromEntries(
      ctx.network.parameters.filter((p) => !p.prunable).map((p) => [p.name, tf.tensor(scaled[p.name], p.shape, 'float32')]),
    );
    const kernels = names.map((n) => tf.tensor(scaled[n], shapes[n], 'float32'));
    const ones = tf.ones(inputShape);
    const flow = (...w: Tensor[]) => tf.sum(ctx.forward(ones, { ...fixed, ...Object.fromEntries(names.map((n, i) => [n, w[i]])) }));
    const gradients = tf.grads(flow)(kernels);
    names.forEach((n, i) => {
      const gradient = gradients[i].dataSync();
      const kernel = scaled[n];
      scores[n] = kernel.map((w, j) => Math.abs(w * gradient[j]));
    });
  });
  for (const [name, values] of Object.entries(scores)) {
    if (values.some((v) => !Number.isFinite(v))) throw new Error(`synflow: non-finite scores for '${name}' despite per-layer rescaling`);
  }
  return scores;
}

/**
 * Masks keeping the `keep` highest scores over all layers. Ties go first to weights the current
 * mask keeps (so masks only ever shrink, even among zero scores), then to the lowest flat index.
 */
function keepTopScores(scores: WeightMap, current: MaskMap, names: readonly string[], keep: number): MaskMap {
  const flat = new Float32Array(names.reduce((sum, n) => sum + scores[n].length, 0));
  const wasKept = new Uint8Array(flat.length);
  let offset = 0;
  for (const name of names) {
    flat.set(scores[name], offset);
    current[name].forEach((m, i) => (wasKept[offset + i] = m));
    offset += scores[name].length;
  }
  const kept = new Uint8Array(flat.length);
  if (keep > 0) {
    const threshold = Float32Array.from(flat).sort()[flat.length - keep];
    let count = 0;
    for (let i = 0; i < flat.length; i++) {
      if (flat[i] > threshold) {
        kept[i] = 1;
        count++;
      }
    }
    for (const preferKept of [1, 0]) {
      for (let i = 0; i < flat.length && count < keep; i++) {
        if (flat[i] === threshold && wasKept[i] === preferKept && !kept[i]) {
          kept[i] = 1;
          count++;
        }
      }
    }
  }
  const masks: MaskMap = {};
  offset = 0;
  for (const name of names) {
    masks[name] = Float32Array.from(kept.subarray(offset, offset + scores[name].length));
    offset += scores[name].length;
  }
  return masks;
}
