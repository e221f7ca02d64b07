/**
 * Measured inference throughput: samples per second of a network's forward pass on the current
 * backend, at a stated batch size, the median of several timed passes after a warm-up. A speed-up
 * of a pruned network is the ratio of two such measurements in one process, never a FLOP count.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MaskedNetwork } from '../network.ts';
import type { ArchitectureSpec } from '../architecture.ts';
import type { WeightMap } from '../types.ts';

export interface Throughput {
  batchSize: number;
  passes: number;
  /** Median samples per second over the timed passes. */
  samplesPerSecond: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Times `passes` forward passes of one batch of seeded random inputs (after `warmup` untimed ones). */
export function measureThroughput(
  spec: ArchitectureSpec,
  weights: WeightMap,
  opts: { batchSize?: number; passes?: number; warmup?: number } = {},
): Throughput {
  const batchSize = opts.batchSize ?? 256;
  const passes = opts.passes ?? 9;
  const network = MaskedNetwork.fromWeights(spec, weights);
  const x = tf.randomUniform([batchSize, ...spec.inputShape], 0, 1, 'float32', 1);
  const pass = () => tf.tidy(() => void network.forward(x).dataSync());
  try {
    for (let i = 0; i < (opts.warmup ?? 3); i++) pass();
    const rates: number[] = [];
    for (let i = 0; i < passes; i++) {
      const started = performance.now();
      pass();
      rates.push(batchSize / ((performance.now() - started) / 1000));
    }
    return { batchSize, passes, samplesPerSecond: median(rates) };
  } finally {
    x.dispose();
    network.dispose();
  }
}
