/**
 * The measured inference speed-up of unit-pruned networks at the structured grid's unit ratios:
 * LeNet-300-100 with neuron structure, LeNet-5 (Caffe) with filter and with neuron structure. Each
 * removable layer keeps the (1 − ratio) units with the largest incoming L1 norm of random weights
 * (the harness's own selection, harness/prune/structured-mask-selection.ts), the network is
 * compacted, and both are timed on this backend. Speed is printed, never asserted.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../engine/backend/backend-selection.ts';
import type { ArchitectureSpec } from '../engine/architecture.ts';
import { compactNetwork, denseMacs } from '../engine/compact.ts';
import { unitSums } from '../api/method-kit/structured.ts';
import { measurePairedThroughput } from '../engine/metrics/inference.ts';
import { initialWeights } from '../engine/network.ts';
import { Rng } from '../engine/rng.ts';
import type { WeightMap } from '../engine/types.ts';
import { kernelLayouts } from '../harness/prune/structure.ts';
import { masksFromUnitScores, removableLayouts } from '../harness/prune/structured-mask-selection.ts';
import { lenet300100, lenet5 } from '../suites/models/architectures.ts';

const RATIOS = [0.25, 0.5, 0.75, 0.9];

const cases: Array<{ label: string; spec: ArchitectureSpec; structure: { kind: 'neuron' | 'filter' }; batchSize: number }> = [
  { label: 'LeNet-300-100, neuron', spec: lenet300100, structure: { kind: 'neuron' }, batchSize: 256 },
  { label: 'LeNet-5 (Caffe), filter', spec: lenet5, structure: { kind: 'filter' }, batchSize: 256 },
  { label: 'LeNet-5 (Caffe), neuron', spec: lenet5, structure: { kind: 'neuron' }, batchSize: 256 },
];

/** Per removable layer, the L1 norm of each unit's incoming weights (the output axis is the kernel's last). */
function unitL1Norms(spec: ArchitectureSpec, structure: { kind: 'neuron' | 'filter' }, weights: WeightMap): WeightMap {
  return Object.fromEntries(
    removableLayouts(kernelLayouts(spec), structure).map((layout) => [
      layout.name,
      unitSums(weights[layout.name], layout.shape[layout.shape.length - 1], Math.abs),
    ]),
  );
}

export async function benchStructuredSpeedup(): Promise<void> {
  const backend = await selectBackend(process.env.PRUNEBENCH_BACKEND);
  console.log(
    `structured speed-up on ${backend.name} (${tf.getBackend()}): dense and compacted timed in alternation, 15 rounds, fastest pass of each by process CPU time:`,
  );
  for (const { label, spec, structure, batchSize } of cases) {
    const weights = initialWeights(spec, new Rng(0));
    const layouts = kernelLayouts(spec);
    const scores = unitL1Norms(spec, structure, weights);
    console.log(`  ${label}, batch ${batchSize}; dense ${denseMacs(spec)} MACs`);
    for (const ratio of RATIOS) {
      const masks = masksFromUnitScores(scores, layouts, structure, ratio, 0);
      const masked = Object.fromEntries(Object.entries(weights).map(([n, v]) => [n, masks[n] ? v.map((x, i) => x * masks[n][i]) : v]));
      const compact = compactNetwork(spec, masked, masks);
      const t = measurePairedThroughput({ spec, weights }, compact, { batchSize, passes: 15 });
      const macs = denseMacs(compact.spec);
      console.log(
        `    units removed ${ratio * 100}%: dense ${Math.round(t.first)} / compacted ${Math.round(t.second)} samples/s, ${macs} MACs (${(denseMacs(spec) / macs).toFixed(2)}× fewer), measured speed-up ${t.speedup.toFixed(2)}×`,
      );
    }
  }
}
