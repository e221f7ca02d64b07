import { describeParameters, type ArchitectureSpec } from '../../engine/architecture.ts';
import type { TrainingRecipe } from '../../engine/recipe.ts';
import { canonicalJson, denseSpecFor, jobId, type JobSpec } from '../jobs/spec.ts';
import type { HyperparameterValue, MethodManifest, TrunkSchedule } from '../../api/method-api.ts';
import { fullRoundsFor, readIterativeMagnitudeSettings, roundPlanFor } from '../../api/method-kit/iterative-magnitude.ts';
import { keepCountFor } from '../prune/mask-selection.ts';
import { createHash } from 'node:crypto';

/** What the harness expects of one job of a trunk method, from its schedule. */
export interface JobTrunkPlan {
  /**
   * Kept per prunable layer (or `[total]` when the schedule ranks globally) at each level the job
   * may reach: 1, 2, … up to its branch level, and the one after, which its last training gives.
   */
  levels: number[][];
  scope: 'global' | 'layerwise';
  /** The level the job's own last round starts from (0 when it needs no round, or only one). */
  branchLevel: number;
}

/** The full-round levels a job of a trunk method goes through, by the manifest's schedule. */
export function jobTrunkPlan(
  schedule: TrunkSchedule,
  architecture: ArchitectureSpec,
  recipe: TrainingRecipe,
  hyperparameters: Readonly<Record<string, HyperparameterValue>>,
  sparsity: number,
): JobTrunkPlan {
  if (schedule !== 'iterative-magnitude') throw new Error(`unknown trunk schedule '${schedule as string}'`);
  const sizes = describeParameters(architecture)
    .filter((p) => p.prunable)
    .map((p) => p.shape.reduce((a, b) => a * b, 1));
  const settings = readIterativeMagnitudeSettings({ hyperparameters, recipe });
  const plan = roundPlanFor(
    sizes,
    settings,
    keepCountFor(
      sizes.reduce((a, b) => a + b, 0),
      sparsity,
    ),
  );
  return { levels: fullRoundsFor(sizes, settings).slice(0, plan.length), scope: settings.scope, branchLevel: Math.max(plan.length - 1, 0) };
}

/**
 * The content address of a trunk: everything a level's state follows from. Not the sparsity (the
 * levels are shared by every target reaching them) nor the control (applied after prune()).
 */
export function trunkKey(spec: JobSpec, manifest: MethodManifest, methodSourceHash: string): string {
  if (!spec.method || !manifest.trunk) throw new Error('trunkKey: not a job of a trunk method');
  const identity = {
    protocol: spec.protocol,
    engine: spec.engine,
    task: spec.task,
    seed: spec.seed,
    method: spec.method,
    methodSourceHash,
    schedule: manifest.trunk,
    denseJobId: jobId(denseSpecFor(spec)),
  };
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}
