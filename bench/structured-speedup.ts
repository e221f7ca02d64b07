/**
 * The measured inference speed-up of neuron-pruned LeNet-300-100 at the structured grid's unit
 * ratios: each hidden layer keeps the (1 − ratio) units with the largest incoming L1 norm of random
 * weights, the network is compacted, and both are timed on this backend. Speed is printed, never asserted.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../engine/backend/select.ts';
import { compactNetwork, denseMacs } from '../engine/compact.ts';
import { measurePairedThroughput } from '../engine/metrics/inference.ts';
import { initialWeights } from '../engine/network.ts';
import { Rng } from '../engine/rng.ts';
import { kernelLayouts } from '../harness/prune/structure.ts';
import { lenet300100 } from '../suites/models/architectures.ts';
import type { MaskMap } from '../engine/types.ts';

export async function benchStructuredSpeedup(): Promise<void> {
  const backend = await selectBackend(process.env.PRUNEBENCH_BACKEND);
  const weights = initialWeights(lenet300100, new Rng(0));
  const layouts = kernelLayouts(lenet300100);
  console.log(
    `structured speed-up, LeNet-300-100 on ${backend.name} (${tf.getBackend()}), batch 256, dense and compacted timed in alternation, 15 rounds, fastest pass of each:`,
  );
  console.log(`  dense: ${denseMacs(lenet300100)} MACs`);
  for (const ratio of [0.25, 0.5, 0.75, 0.9]) {
    const masks: MaskMap = {};
    let removedBelow = new Set<number>();
    layouts.forEach((layout, l) => {
      const [nIn, nOut] = layout.shape;
      const w = weights[layout.name];
      const last = l === layouts.length - 1;
      const norms = Array.from({ length: nOut }, (_, j) =>
        Array.from({ length: nIn }, (_, i) => Math.abs(w[i * nOut + j])).reduce((a, b) => a + b, 0),
      );
      const removed = new Set(last ? [] : [...norms.keys()].sort((a, b) => norms[a] - norms[b]).slice(0, Math.round(ratio * nOut)));
      masks[layout.name] = Float32Array.from(w, (_, i) => (removed.has(i % nOut) || removedBelow.has(Math.floor(i / nOut)) ? 0 : 1));
      removedBelow = removed;
    });
    const masked = Object.fromEntries(Object.entries(weights).map(([n, v]) => [n, masks[n] ? v.map((x, i) => x * masks[n][i]) : v]));
    const compact = compactNetwork(lenet300100, masked, masks);
    const t = measurePairedThroughput({ spec: lenet300100, weights }, compact, { batchSize: 256, passes: 15 });
    console.log(
      `  units removed ${ratio * 100}%: dense ${Math.round(t.first)} / compacted ${Math.round(t.second)} samples/s, ${denseMacs(compact.spec)} MACs, measured speed-up ${t.speedup.toFixed(2)}×`,
    );
  }
}
