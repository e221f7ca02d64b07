import type { PruneContext, PruneResult } from '../../api/method-api.ts';
import { unitLayers } from '../../api/method-kit/structured.ts';

/** Every removable layer's units get a distinct random rank (a seeded permutation), so the harness keeps a uniformly random subset. */
export function prune(ctx: PruneContext): PruneResult {
  const layers = unitLayers(ctx, 'neuron-random');
  return {
    unitScores: Object.fromEntries(layers.map(({ name, units }) => [name, Float32Array.from(ctx.rng.fork(name).permutation(units))])),
  };
}
