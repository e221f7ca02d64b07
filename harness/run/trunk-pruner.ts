import type { MaskMap } from '../../engine/types.ts';
import type { MethodManifest } from '../../api/method-api.ts';
import type { Pruner } from '../prune/run-prune.ts';
import type { TrunkCache } from './trunk-cache.ts';
import { checkTrunkLevel } from './trunk-check.ts';
import { jobTrunkPlan, trunkKey } from './trunk-plan.ts';

/**
 * A pruner that shares trunk levels between the jobs of a trunk method (manifest `trunk`): the job
 * starts from the deepest stored level at or below its branch level, and every level it reaches
 * is checked against the schedule and stored as it arrives, so the next sparsity, or a run resumed
 * after a kill, starts there. Other methods' requests pass through unchanged.
 */
export function trunkPruner(pruner: Pruner, cache: TrunkCache, methodSourceHash: string): Pruner {
  return async (request) => {
    const { manifest, spec } = request;
    if (!manifest.trunk || !spec.method) return pruner(request);
    const plan = jobTrunkPlan(manifest.trunk, request.architecture, request.recipe, spec.method.hyperparameters, spec.sparsity);
    const key = trunkKey(spec, manifest as MethodManifest, methodSourceHash);
    const start = cache.deepest(key, plan.branchLevel, (level) =>
      checkTrunkLevel(level, plan, request.architecture, { level: level.level - 1, masks: null }),
    );
    let previous: { level: number; masks: MaskMap | null } = { level: start?.level ?? 0, masks: start?.masks ?? null };
    const outcome = await pruner({
      ...request,
      trunk: {
        start,
        onLevel: (level) => {
          checkTrunkLevel(level, plan, request.architecture, previous);
          cache.save(key, level);
          previous = { level: level.level, masks: level.masks };
        },
      },
    });
    return { ...outcome, trunk: { level: plan.branchLevel, reusedLevel: start?.level ?? 0, rounds: outcome.trainings } };
  };
}
