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
  /** Median samples per second of each network over its timed passes. */
  first: number;
  second: number;
  /** Median over the timed rounds of second's rate / first's rate in the same round. */
  speedup: number;
}

/**
 * Two networks timed in alternation on the same batch: after `warmup` untimed passes of each, each
 * round times one pass of the first then one of the second. A load spike on a shared machine then
 * slows both networks of a round instead of only the one being timed, so the speed-up (median of
 * per-round ratios) is far steadier than the ratio of two runs measured one after the other.
 */
export function measurePairedThroughput(
  first: { spec: ArchitectureSpec; weights: WeightMap },
  second: { spec: ArchitectureSpec; weights: WeightMap },
  opts: { batchSize?: number; passes?: number; warmup?: number } = {},
): PairedThroughput {
  const batchSize = opts.batchSize ?? 256;
  const passes = opts.passes ?? 9;
  const networks = [MaskedNetwork.fromWeights(first.spec, first.weights), MaskedNetwork.fromWeights(second.spec, second.weights)];
  const x = tf.randomUniform([batchSize, ...first.spec.inputShape], 0, 1, 'float32', 1);
  const timed = (network: MaskedNetwork): number => {
    const started = performance.now();
    tf.tidy(() => void network.forward(x).dataSync());
    return batchSize / ((performance.now() - started) / 1000);
  };
  try {
    for (let i = 0; i < (opts.warmup ?? 3); i++) for (const network of networks) timed(network);
    const rates: [number[], number[]] = [[], []];
    const ratios: number[] = [];
    for (let i = 0; i < passes; i++) {
      const a = timed(networks[0]);
      const b = timed(networks[1]);
      rates[0].push(a);
      rates[1].push(b);
      ratios.push(b / a);
    }
    return { batchSize, passes, first: median(rates[0]), second: median(rates[1]), speedup: median(ratios) };
  } finally {
    x.dispose();
    for (const network of networks) network.dispose();
  }
}
