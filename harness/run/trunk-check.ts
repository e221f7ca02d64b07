import { describeParameters, type ArchitectureSpec } from '../../engine/architecture.ts';
import type { MaskMap, WeightMap } from '../../engine/types.ts';
import type { TrunkLevel } from '../prune/trunk-level.ts';
import type { JobTrunkPlan } from './trunk-plan.ts';

function checkWeightMap(what: string, map: WeightMap, sizes: Map<string, number>): void {
  if (!map || typeof map !== 'object') throw new Error(`${what} is missing`);
  const names = Object.keys(map);
  if (names.length !== sizes.size || names.some((n) => !sizes.has(n)))
    throw new Error(`${what} must hold exactly the parameters ${[...sizes.keys()].join(', ')}`);
  for (const [name, array] of Object.entries(map)) {
    if (!(array instanceof Float32Array) || array.length !== sizes.get(name))
      throw new Error(`${what}: '${name}' must be ${sizes.get(name)} float32 values`);
    if (!array.every(Number.isFinite)) throw new Error(`${what}: '${name}' holds a value that is not finite`);
  }
}

/**
 * Checks a trunk level before the harness keeps or uses it: its number follows `previous`, its
 * masks are binary with exactly the schedule's counts and lie within the previous level's masks,
 * pruned weights are 0, and every array is finite and of the network's shapes. Throws, saying why.
 */
export function checkTrunkLevel(
  level: TrunkLevel,
  plan: JobTrunkPlan,
  architecture: ArchitectureSpec,
  previous: { level: number; masks: MaskMap | null },
): void {
  if (level.level !== previous.level + 1) throw new Error(`level ${level.level} does not follow level ${previous.level}`);
  const kept = plan.levels[level.level - 1];
  if (!kept) throw new Error(`level ${level.level} is past this job's ${plan.levels.length} full rounds`);
  const parameters = describeParameters(architecture);
  const sizes = new Map(parameters.map((p) => [p.name, p.shape.reduce((a, b) => a * b, 1)]));
  const prunable = parameters.filter((p) => p.prunable).map((p) => p.name);
  checkWeightMap('its weights', level.weights, sizes);
  checkWeightMap('its masks', level.masks, new Map(prunable.map((n) => [n, sizes.get(n)!])));
  const counts = prunable.map((name) => {
    const mask = level.masks[name];
    const before = previous.masks?.[name];
    let ones = 0;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 1) {
        if (before && before[i] !== 1) throw new Error(`mask '${name}' keeps weight ${i}, which level ${previous.level} removed`);
        ones++;
      } else if (mask[i] !== 0) throw new Error(`mask '${name}' is not binary (value ${mask[i]} at ${i})`);
      else if (level.weights[name][i] !== 0) throw new Error(`weight ${i} of '${name}' is pruned but not 0`);
    }
    return ones;
  });
  const got = plan.scope === 'global' ? [counts.reduce((a, b) => a + b, 0)] : counts;
  if (got.join() !== kept.join())
    throw new Error(`level ${level.level} keeps ${got.join(', ')} weights where the schedule keeps ${kept.join(', ')}`);
  for (const [name, checkpoint] of Object.entries(level.checkpoints)) checkWeightMap(`its checkpoint '${name}'`, checkpoint, sizes);
  for (const [name, array] of Object.entries(level.arrays)) {
    if (!(array instanceof Float32Array) || !array.every(Number.isFinite))
      throw new Error(`its array '${name}' must be finite float32 values`);
  }
  const { trainCalls, batchStreams } = level.counters;
  if (![trainCalls, batchStreams].every((c) => Number.isInteger(c) && c >= 0))
    throw new Error('its counters must be non-negative integers');
}
