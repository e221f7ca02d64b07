/**
 * Measured inference throughput: samples per second of two networks' forward passes on the current
 * backend, at a stated batch size, timed in alternation in one process. A speed-up of a pruned
 * network is the ratio of such measurements, never a FLOP count.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MaskedNetwork } from '../network.ts';
import type { ArchitectureSpec } from '../architecture.ts';
import type { WeightMap } from '../types.ts';

/**
 * What a pass is timed by: `process-cpu`, the process's own CPU time (user + system), which a
 * busy machine's other processes do not inflate, since the forward pass runs on this process's one
 * thread; `wall`, elapsed time, where the process's CPU time cannot be read.
 */
export type ThroughputClock = 'process-cpu' | 'wall';

function clockNow(): { clock: ThroughputClock; now: () => number } {
  if (typeof process !== 'undefined' && typeof process.cpuUsage === 'function') {
    return {
      clock: 'process-cpu',
      now: () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
      },
    };
  }
  return { clock: 'wall', now: () => performance.now() };
}

export interface PairedThroughput {
  clock: ThroughputClock;
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
 * round times one pass of the first then one of the second, by the process's CPU time (ThroughputClock),
 * and each network's rate is that of its fastest pass. On a shared machine other processes slow a
 * pass's elapsed time (the longer pass more, being preempted more often) but not its CPU time, and
 * the fastest pass drops what is left (a collection, a cache miss).
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
  const { clock, now } = clockNow();
  const timed = (network: MaskedNetwork): number => {
    const started = now();
    tf.tidy(() => void network.forward(x).dataSync());
    return batchSize / (Math.max(now() - started, 0.001) / 1000);
  };
  try {
    for (let i = 0; i < (opts.warmup ?? 3); i++) for (const network of networks) timed(network);
    let best = [0, 0];
    for (let i = 0; i < passes; i++) best = [Math.max(best[0], timed(networks[0])), Math.max(best[1], timed(networks[1]))];
    return { clock, batchSize, passes, first: best[0], second: best[1], speedup: best[1] / best[0] };
  } finally {
    x.dispose();
    for (const network of networks) network.dispose();
  }
}
