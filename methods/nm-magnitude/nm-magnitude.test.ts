import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MethodManifest, PruneResult, Structure, WeightMap } from '../../api/method-api.ts';
import { kernelLayouts, structureProblems } from '../../harness/prune/structure.ts';
import { nmMasksFromScores } from '../../harness/prune/structured-mask-selection.ts';
import { tinyMlp, tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;

const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

async function scores(structure: Structure): Promise<WeightMap> {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest, structure });
  const result = (await prune(ctx)) as PruneResult & { scores: WeightMap };
  network.dispose();
  return result.scores;
}

describe('nm-magnitude', () => {
  it("scores |θ| and, cut 1:2 by the harness, keeps the larger of every pair along each kernel's inputs", async () => {
    const s = await scores({ kind: 'n:m', n: 1, m: 2 });
    expect([...s['fc1/kernel']].map((v) => Number(v.toFixed(6)))).toEqual([0.5, 0.3, 0.8, 0.6, 0.9, 0.2]);
    const masks = nmMasksFromScores(s, kernelLayouts(tinyMlp), 1, 2, 0);
    // fc1 [2, 3]: unit 0 |0.5| < |−0.6| → input 1; unit 1 |−0.3| < |0.9| → input 1; unit 2 |0.8| > |0.2| → input 0.
    expect([...masks['fc1/kernel']]).toEqual([0, 0, 1, 1, 1, 0]);
    // fc2 [3, 2]: output 0 |0.7| > |−0.5| → input 0, output 1 |−0.4| < |0.6| → input 1; input 2 is a trailing group of one, kept.
    expect([...masks['fc2/kernel']]).toEqual([1, 0, 0, 1, 1, 1]);
    expect(structureProblems({ kind: 'n:m', n: 1, m: 2 }, kernelLayouts(tinyMlp), masks)).toEqual([]);
  });

  it('refuses a job of another structure', async () => {
    await expect(scores({ kind: 'neuron' })).rejects.toThrow("nm-magnitude: prunes to N:M groups; this job's structure is neuron");
  });
});
