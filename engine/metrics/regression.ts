import { requireFinite, requireLength, rowCount } from './argument-checks.ts';

export type RealArray = Float32Array | Float64Array;

/**
 * Per-sample squared error summed over the d outputs, averaged over the n samples — the same
 * quantity as the regression training loss in `engine/loss.ts` (not the mean over all n·d entries).
 * `d` is needed because n cannot be told apart from d in flat n × d arrays.
 */
export function meanSquaredError(outputs: RealArray, targets: RealArray, d: number): number {
  const n = checkRegressionInputs('meanSquaredError', outputs, targets, d);
  let total = 0;
  for (let i = 0; i < outputs.length; i++) {
    const diff = outputs[i] - targets[i];
    total += diff * diff;
  }
  return total / n;
}

export interface RescaledOutputs {
  /** n × d outputs with column j multiplied by scales[j]. */
  rescaled: Float64Array;
  /** Least-squares factor per output: λ_j = Σ_i y_ij·f_ij / Σ_i f_ij², and 0 when Σ_i f_ij² = 0. */
  scales: number[];
}

/**
 * Multiplies each output column by the factor that minimises its squared error against the targets.
 * Planted tickets compute diag(scale)·f_target, so they are scored after this rescaling.
 */
export function rescaleOutputs(outputs: RealArray, targets: RealArray, d: number): RescaledOutputs {
  const n = checkRegressionInputs('rescaleOutputs', outputs, targets, d);
  const cross = new Array<number>(d).fill(0);
  const squares = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const f = outputs[i * d + j];
      cross[j] += targets[i * d + j] * f;
      squares[j] += f * f;
    }
  }
  const scales = cross.map((c, j) => (squares[j] === 0 ? 0 : c / squares[j]));
  const rescaled = new Float64Array(outputs.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) rescaled[i * d + j] = scales[j] * outputs[i * d + j];
  return { rescaled, scales };
}

function checkRegressionInputs(fn: string, outputs: RealArray, targets: RealArray, d: number): number {
  const n = rowCount(fn, 'outputs', outputs, d, 'd');
  requireLength(fn, 'targets', targets, outputs.length, 'the same n × d as outputs');
  requireFinite(fn, 'outputs', outputs);
  requireFinite(fn, 'targets', targets);
  return n;
}
