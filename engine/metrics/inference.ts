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

export interface PairedThroughput {
  batchSize: number;
  passes: number;
  /** Samples per second of each network's fastest timed pass. */
  first: number;
  second: number;
  /** second / first: the ratio of the fastest passes. */
  speedup: number;
}

/**
 * Two networks timed in alternation on the same batch: after `warmup` untimed passes of each, each
 * round times one pass of the first then one of the second, and each network's rate is that of its
 * fastest pass. On a shared machine other work only ever slows a pass down, so the fastest pass is
 * the steadiest estimate of what the network costs, and alternating exposes both networks to the
 * same spells of load.
 */
export function measurePairedThroughput(
  first: { spec: ArchitectureSpec; weights: WeightMap },
  second: { spec: ArchitectureSpec; weights: WeightMap },
  opts: { batchSize?: number; passes?: number; warmup?: number } = {},
): PairedThroughput {
  const batchSize = opts.batchSize ?? 256;
  const passes = opts.passes ?? 15;
  const networks = [MaskedNetwork.fromWeights(first.spec, first.weights), MaskedNetwork.fromWeights(second.spec, second.weights)];
  const x = tf.randomUniform([batchSize, ...first.spec.inputShape], 0, 1, 'float32', 1);
  const timed = (network: MaskedNetwork): number => {
    const started = performance.now();
    tf.tidy(() => void network.forward(x).dataSync());
    return batchSize / ((performance.now() - started) / 1000);
  };
  try {
    for (let i = 0; i < (opts.warmup ?? 3); i++) for (const network of networks) timed(network);
    let best = [0, 0];
    for (let i = 0; i < passes; i++) best = [Math.max(best[0], timed(networks[0])), Math.max(best[1], timed(networks[1]))];
    return { batchSize, passes, first: best[0], second: best[1], speedup: best[1] / best[0] };
  } finally {
    x.dispose();
    for (const network of networks) network.dispose();
  }
}
