/**
 * `metrics.inference` of a record (docs/protocol.md, Inference): multiply–adds per sample of the
 * network as it can run, and for neuron/filter jobs the compacted network, checked to compute what
 * the masked one computes on a batch of test inputs, and its measured throughput next to the dense
 * network's on this backend. Unstructured and N:M masks make nothing faster on any backend here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { compactNetwork, denseMacs } from '../../engine/compact.ts';
import { measurePairedThroughput } from '../../engine/metrics/inference.ts';
import { MaskedNetwork } from '../../engine/network.ts';
import { sizeOf, type Dataset } from '../../engine/types.ts';
import type { Structure } from '../../api/method-api.ts';
import type { InferenceMetrics } from '../store/run-record.ts';
import type { RunMetrics } from '../store/run-record.ts';

/** Inputs of the compaction check: the first rows of the test split. */
export const COMPACTION_CHECK_SAMPLES = 256;
/** Largest difference allowed between masked and compacted outputs, relative to max(1, |output|): summation order differs, nothing else. */
export const COMPACTION_TOLERANCE = 1e-4;
export const THROUGHPUT_BATCH = 256;
export const THROUGHPUT_PASSES = 15;
export const THROUGHPUT_WARMUP = 3;

export class CompactionMismatch extends Error {}

function outputsOf(network: MaskedNetwork, x: tf.Tensor): Float32Array {
  return tf.tidy(() => network.forward(x).dataSync() as Float32Array).slice();
}

/** Largest |masked − compacted| / max(1, |masked|) over the outputs of `x`. */
export function compactionDifference(masked: MaskedNetwork, compacted: MaskedNetwork, x: tf.Tensor): number {
  const a = outputsOf(masked, x);
  const b = outputsOf(compacted, x);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
  return worst;
}

/** The metrics for a network whose masks follow `structure` (dense references: unstructured with no zero). */
export function inferenceMetrics(opts: {
  network: MaskedNetwork;
  structure: Structure;
  test: Dataset;
  flops: RunMetrics['flops'];
  dense: boolean;
}): InferenceMetrics {
  const { network, structure, flops } = opts;
  if (structure.kind === 'unstructured' || structure.kind === 'n:m') {
    const what = opts.dense
      ? 'the dense network'
      : structure.kind === 'n:m'
        ? `${structure.n}:${structure.m} sparsity`
        : 'unstructured sparsity';
    return {
      macs: flops.sparse,
      denseMacs: flops.dense,
      acceleration: 'none',
      statement: opts.dense
        ? 'dense network: every weight counted'
        : `no backend here accelerates ${what}: MACs count non-zero weights only, throughput is that of the dense network`,
      compaction: null,
      throughput: null,
    };
  }
  const weights = network.getWeights();
  const compact = compactNetwork(network.spec, weights, network.getMasks());
  const compacted = MaskedNetwork.fromWeights(compact.spec, compact.weights);
  const rows = Math.min(COMPACTION_CHECK_SAMPLES, opts.test.n);
  const rowSize = sizeOf(opts.test.inputShape);
  const x = tf.tensor(opts.test.x.slice(0, rows * rowSize), [rows, ...opts.test.inputShape]);
  let difference: number;
  try {
    difference = compactionDifference(network, compacted, x);
  } finally {
    x.dispose();
    compacted.dispose();
  }
  if (!(difference <= COMPACTION_TOLERANCE)) {
    throw new CompactionMismatch(
      `the compacted network's outputs differ from the masked network's on ${rows} test inputs by ${difference} (relative; tolerance ${COMPACTION_TOLERANCE})`,
    );
  }
  const settings = { batchSize: THROUGHPUT_BATCH, passes: THROUGHPUT_PASSES, warmup: THROUGHPUT_WARMUP };
  const measured = measurePairedThroughput({ spec: network.spec, weights }, compact, settings);
  return {
    macs: denseMacs(compact.spec),
    denseMacs: flops.dense,
    acceleration: 'compacted',
    statement: `${structure.kind === 'neuron' ? 'units' : 'filters'} removed: the compacted dense network runs on every backend`,
    compaction: {
      layers: compact.units.map((u) => ({ name: u.layer, before: u.before, after: u.after })),
      checkedSamples: rows,
      maxRelativeDifference: difference,
      tolerance: COMPACTION_TOLERANCE,
    },
    throughput: {
      clock: measured.clock,
      batchSize: settings.batchSize,
      passes: settings.passes,
      warmupPasses: settings.warmup,
      denseSamplesPerSecond: measured.first,
      compactedSamplesPerSecond: measured.second,
      speedup: measured.speedup,
    },
  };
}
