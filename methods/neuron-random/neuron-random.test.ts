import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;

// 4 → 6 → 5 → 2: two hidden layers whose units may go.
const mlp: ArchitectureSpec = {
  id: 'neuron-random-mlp',
  inputShape: [4],
  layers: [
    { kind: 'dense', name: 'fc1', units: 6, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 5, activation: 'relu' },
    { kind: 'dense', name: 'fc3', units: 2, activation: 'linear' },
  ],
};
const weights: WeightMap = {
  'fc1/kernel': new Float32Array(24).fill(0.1),
  'fc1/bias': new Float32Array(6),
  'fc2/kernel': new Float32Array(30).fill(0.1),
  'fc2/bias': new Float32Array(5),
  'fc3/kernel': new Float32Array(10).fill(0.1),
  'fc3/bias': new Float32Array(2),
};
const train = { n: 4, inputShape: [4], x: new Float32Array(16).fill(1), y: Int32Array.from([0, 1, 0, 1]), outputSize: 2 };

async function scores(seed: number): Promise<WeightMap> {
  const { ctx, network } = await tinyPruneContext({
    spec: mlp,
    weights,
    sparsity: 0.5,
    manifest,
    structure: { kind: 'neuron' },
    seed,
    train,
  });
  const result = (await prune(ctx)) as PruneResult & { unitScores: WeightMap };
  network.dispose();
  return result.unitScores;
}

describe('neuron-random', () => {
  it('gives every unit of each hidden layer a distinct rank: a permutation of 0..units−1', async () => {
    const s = await scores(1);
    expect(Object.keys(s)).toEqual(['fc1/kernel', 'fc2/kernel']);
    expect([...s['fc1/kernel']].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...s['fc2/kernel']].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
  });

  it('is deterministic under the seed and differs between seeds', async () => {
    expect(await scores(3)).toEqual(await scores(3));
    const draws = new Set<string>();
    for (let seed = 0; seed < 6; seed++) draws.add([...(await scores(seed))['fc1/kernel']].join(','));
    expect(draws.size).toBeGreaterThan(1);
  });
});
