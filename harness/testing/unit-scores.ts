import type { PruneFunction } from '../../api/method-api.ts';
import { unitSums } from '../../api/method-kit/structured.ts';

/** A neuron-structure prune for tests: each unit's score is the L1 norm of its incoming weights. */
export const unitL1: PruneFunction = (ctx) => ({
  unitScores: Object.fromEntries(
    (ctx.target.units ?? []).map(({ name, units }) => [name, unitSums(ctx.network.getWeights([name])[name], units, Math.abs)]),
  ),
});
