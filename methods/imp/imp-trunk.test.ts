import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MethodManifest, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { pruneTrunk, readIterativeMagnitudeSettings } from '../../api/method-kit/iterative-magnitude.ts';
import { keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext, tinyRecipe } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.9, -0.1, 0.5, -0.7, 0.3, -0.05]),
  'fc1/bias': Float32Array.from([0.1, -0.1, 0.05]),
  'fc2/kernel': Float32Array.from([0.6, -0.25, 0.04, 0.8, -0.45, 0.15]),
  'fc2/bias': Float32Array.from([0.2, -0.2]),
};
const grid = [0.25, 0.5, 0.75, 0.9];
// A learning rate that moves the weights, so each round's ranking depends on the training before it.
const recipe = { ...tinyRecipe, learningRate: 0.1 };

function counting(ctx: PruneContext): { spy: PruneContext; trainings: () => number } {
  let trainings = 0;
  return {
    spy: { ...ctx, train: (options) => (trainings++, ctx.train(options)) },
    trainings: () => trainings,
  };
}

async function straight(sparsity: number, scope: string) {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest, hyperparameters: { scope }, recipe });
  const { spy, trainings } = counting(ctx);
  const result = (await prune(spy)) as PruneResult;
  network.dispose();
  if (!('scores' in result)) throw new Error('imp returns scores');
  return { scores: result.scores, trainings: trainings() };
}

describe('imp trunk', () => {
  for (const scope of ['layerwise', 'global']) {
    it(`gives every grid sparsity the scores and mask of a straight run, training each level once (${scope})`, async () => {
      const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.9, manifest, hyperparameters: { scope }, recipe });
      const { spy, trainings } = counting(ctx);
      const settings = readIterativeMagnitudeSettings(spy);
      const keepCounts = grid.map((s) => keepCountFor(12, s));
      const branches = await pruneTrunk(
        spy,
        settings,
        { train: () => spy.train({ epochs: settings.epochs }), rewind: () => spy.rewind('init') },
        keepCounts,
      );
      network.dispose();

      let straightTrainings = 0;
      const levels: number[] = [];
      for (const [i, sparsity] of grid.entries()) {
        const reference = await straight(sparsity, scope);
        straightTrainings += reference.trainings;
        const branch = branches.get(keepCounts[i])!;
        // Bit-identical scores, hence the same mask.
        for (const name of names) expect([...branch.scores[name]]).toEqual([...reference.scores[name]]);
        expect(masksFromScores(branch.scores, names, shapes, sparsity, manifest.scope, 0)).toEqual(
          masksFromScores(reference.scores, names, shapes, sparsity, manifest.scope, 0),
        );
        // A straight run trains once per round: the shared levels before its branch, then its final round.
        expect(reference.trainings).toBe(branch.level + 1);
        levels.push(branch.level);
      }
      // The trunk trains as often as the deepest target's straight run, not the sum over the grid.
      expect(trainings()).toBe(Math.max(...levels) + 1);
      expect(straightTrainings).toBe(levels.reduce((a, l) => a + l + 1, 0));
      expect(straightTrainings).toBeGreaterThan(trainings());
    });
  }

  it('records which trunk level each target branched from (layerwise 20 %, output layer 10 %)', async () => {
    // Full rounds keep (5,5) 10, (4,5) 9, (3,4) 7, (2,4) 6, (2,3) 5, (1,3) 4, (1,2) 3, (0,2) 2 (rounds that
    // remove nothing are skipped). A target's level is the number of trunk rounds before its own final
    // round: 9 is reached by round 2 (level 1), 6 by round 4 (level 3), 3 by round 7 (level 6), and 1
    // by a partial round after (0,2) (level 8). 12 needs no round at all (level 0, no training).
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.9, manifest, recipe });
    const settings = readIterativeMagnitudeSettings(ctx);
    const branches = await pruneTrunk(
      ctx,
      settings,
      { train: () => ctx.train({ epochs: settings.epochs }), rewind: () => ctx.rewind('init') },
      [9, 6, 3, 1, 12],
    );
    network.dispose();
    expect([9, 6, 3, 1, 12].map((k) => branches.get(k)!.level)).toEqual([1, 3, 6, 8, 0]);
  });
});
