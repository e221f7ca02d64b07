import type { PruneFunction } from '../../api/method-api.ts';

/** A neuron-structure prune for tests: each unit's score is the L1 norm of its incoming weights. */
export const unitL1: PruneFunction = (ctx) => ({
  unitScores: Object.fromEntries(
    (ctx.target.units ?? []).map(({ name, units }) => {
      const w = ctx.network.getWeights([name])[name];
      const norms = new Float32Array(units);
      w.forEach((v, i) => (norms[i % units] += Math.abs(v)));
      return [name, norms];
    }),
  ),
});
