/**
 * Data of the planted tasks: inputs U[−1, 1]^d (the disparity group indicator is 0/1), labels from
 * the exact target functions, split in order into train (first 90%) and test.
 */
import type { Rng } from '../engine/rng.ts';
import type { Dataset } from '../engine/types.ts';
import { CIRCLE_LINES, type PlantedTarget, STRIPE_LINES, helixPoint, rankClasses, stripeCoordinate } from './targets.ts';

/** Standard deviation of the Gaussian noise on regression targets (ReLU, Helix). */
export const REGRESSION_NOISE_STD = 0.01;

export interface PlantedDataOptions {
  target: PlantedTarget;
  samples: number;
  trainFraction: number;
  /** Circle/disparity majority: probability that a label is the runner-up class, i.e. the adjacent ring (all splits; the paper's 1%). */
  adjacentLabelNoise: number;
  /** Classification: probability that a training label is replaced by one of the other classes, uniformly (train split only). */
  labelNoise: number;
  /** Disparity: fraction of samples in the minority group (exact count, random positions). */
  minorityFraction: number;
}

export interface PlantedData {
  train: Dataset;
  test: Dataset;
  /** Training labels before uniform label noise (classification), to audit the noise. */
  cleanTrainLabels: Int32Array | null;
}

export function inputDimension(target: PlantedTarget): number {
  return target === 'relu' || target === 'helix' ? 1 : target === 'circle' ? 2 : 3;
}

export function outputDimension(target: PlantedTarget): number {
  return target === 'relu' ? 1 : target === 'helix' ? 3 : 4;
}

export function isClassification(target: PlantedTarget): boolean {
  return target === 'circle' || target === 'disparity';
}

export function generatePlantedData(options: PlantedDataOptions, rng: Rng): PlantedData {
  const { target, samples: n } = options;
  if (!Number.isInteger(n) || n < 2) throw new Error(`planted data: samples must be an integer ≥ 2, got ${n}`);
  if (!(options.trainFraction > 0 && options.trainFraction < 1))
    throw new Error(`planted data: trainFraction must be in (0, 1), got ${options.trainFraction}`);
  for (const key of ['adjacentLabelNoise', 'labelNoise', 'minorityFraction'] as const) {
    if (!(options[key] >= 0 && options[key] <= 1)) throw new Error(`planted data: ${key} must be in [0, 1], got ${options[key]}`);
  }
  const dIn = inputDimension(target);
  const dOut = outputDimension(target);
  const x = new Float32Array(n * dIn);
  const inputRng = rng.fork('inputs');
  const continuousInputs = target === 'disparity' ? 2 : dIn;
  for (let i = 0; i < n; i++) for (let j = 0; j < continuousInputs; j++) x[i * dIn + j] = inputRng.uniformIn(-1, 1);

  let groups: Int32Array | undefined;
  if (target === 'disparity') {
    groups = new Int32Array(n);
    const minority = Math.round(options.minorityFraction * n);
    const order = rng.fork('groups').permutation(n);
    for (let r = 0; r < minority; r++) groups[order[r]] = 1;
    for (let i = 0; i < n; i++) x[i * dIn + 2] = groups[i];
  }

  let y: Int32Array | Float32Array;
  if (isClassification(target)) {
    const labels = new Int32Array(n);
    const adjacentRng = rng.fork('adjacent-label-noise');
    for (let i = 0; i < n; i++) {
      // Labels come from the float32 inputs the network sees, so the exact rule and the data agree.
      const x1 = x[i * dIn];
      const x2 = x[i * dIn + 1];
      const minority = groups !== undefined && groups[i] === 1;
      const ranking = minority ? rankClasses(STRIPE_LINES, stripeCoordinate(x1, x2)) : rankClasses(CIRCLE_LINES, x1 * x1 + x2 * x2);
      const flip = adjacentRng.uniform() < options.adjacentLabelNoise && !minority;
      labels[i] = flip ? ranking.runnerUp : ranking.best;
    }
    y = labels;
  } else {
    const values = new Float32Array(n * dOut);
    const noiseRng = rng.fork('target-noise');
    for (let i = 0; i < n; i++) {
      const exact = target === 'relu' ? [Math.max(0, x[i])] : helixPoint(x[i]);
      for (let j = 0; j < dOut; j++) values[i * dOut + j] = exact[j] + REGRESSION_NOISE_STD * noiseRng.normal();
    }
    y = values;
  }

  const nTrain = Math.round(options.trainFraction * n);
  if (nTrain < 1 || nTrain >= n)
    throw new Error(`planted data: ${n} samples leave an empty split at trainFraction ${options.trainFraction}`);
  const split = (start: number, end: number): Dataset => ({
    n: end - start,
    inputShape: [dIn],
    x: x.slice(start * dIn, end * dIn),
    y: y instanceof Int32Array ? y.slice(start, end) : y.slice(start * dOut, end * dOut),
    outputSize: dOut,
    ...(groups ? { groups: groups.slice(start, end) } : {}),
  });
  const train = split(0, nTrain);
  const test = split(nTrain, n);

  let cleanTrainLabels: Int32Array | null = null;
  if (train.y instanceof Int32Array) {
    cleanTrainLabels = train.y.slice();
    const noiseRng = rng.fork('uniform-label-noise');
    for (let i = 0; i < train.n; i++) {
      const flip = noiseRng.uniform() < options.labelNoise;
      const shift = 1 + noiseRng.int(dOut - 1);
      if (flip) train.y[i] = (train.y[i] + shift) % dOut;
    }
  } else if (options.labelNoise > 0) {
    throw new Error(`planted data: labelNoise applies to classification targets, not '${target}'`);
  }
  return { train, test, cleanTrainLabels };
}
