import { MaskedNetwork } from '../../engine/network.ts';
import { Rng } from '../../engine/rng.ts';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { TrainingRecipe } from '../../engine/recipe.ts';
import type { Dataset, TaskKind, WeightMap } from '../../engine/types.ts';
import type { JobSpec } from '../jobs/spec.ts';
import type { MethodManifest, PruneFunction, PruneResult } from '../../api/method-api.ts';
import { createPruneContext } from './context.ts';
import { keepCountFor } from './mask-selection.ts';
import { kernelLayouts } from './structure.ts';
import { unitTargets } from './structured-mask-selection.ts';
import { structureOf } from '../jobs/spec.ts';
import type { TrunkHost } from './trunk-level.ts';

/** Everything a method may see: never the test split. */
export interface PruneRequest {
  spec: JobSpec;
  manifest: MethodManifest;
  architecture: ArchitectureSpec;
  recipe: TrainingRecipe;
  taskKind: TaskKind;
  train: Dataset;
  validation: Dataset;
  /** Weights the method starts from (initial, or the trained dense reference for after-training methods). */
  weights: WeightMap;
  /** Trunk methods only: the stored level to start from, and where each level reached goes. */
  trunk?: TrunkHost;
}

export interface PruneOutcome {
  result: PruneResult;
  /** The network's weights when prune() returned (iterative methods rewind, during-training methods train). */
  weights: WeightMap;
  /** Calls of ctx.train during this prune(). */
  trainings: number;
  /** Set by the runner's trunk pruner (harness/run/trunk-pruner.ts) for trunk methods. */
  trunk?: { level: number; reusedLevel: number; rounds: number };
}

/**
 * How a job runs a method's prune(): from a PruneRequest, in this process (inProcessPruner), in a
 * sandboxed child (sandboxedPruner), or through the trunk cache (trunkPruner) around either.
 */
export type Pruner = (request: PruneRequest) => Promise<PruneOutcome>;

/** The one place a PruneContext is built for a job; the sandbox child calls it too. */
export async function runPrune(prune: PruneFunction, request: PruneRequest): Promise<PruneOutcome> {
  const { spec, manifest } = request;
  if (!spec.method) throw new Error('runPrune needs a method job');
  const network = MaskedNetwork.fromWeights(request.architecture, request.weights);
  let trainings = 0;
  try {
    const total = network.prunableNames.reduce((s, n) => s + network.variable(n).size, 0);
    const structure = structureOf(spec);
    const units =
      structure.kind === 'neuron' || structure.kind === 'filter'
        ? unitTargets(kernelLayouts(request.architecture), structure, spec.sparsity)
        : undefined;
    const context = createPruneContext({
      network,
      train: request.train,
      validation: request.validation,
      recipe: request.recipe,
      target: {
        sparsity: spec.sparsity,
        scope: manifest.scope,
        keepCount: keepCountFor(total, spec.sparsity),
        totalPrunable: total,
        ...(units ? { units } : {}),
      },
      structure,
      hyperparameters: spec.method.hyperparameters,
      rng: new Rng(spec.seed).fork(`method:${spec.method.id}`),
      taskKind: request.taskKind,
      allowWeightTraining: manifest.when !== 'strong-ticket',
      trunk: manifest.trunk ? (request.trunk ?? { start: null, onLevel: () => {} }) : undefined,
      onTrain: () => trainings++,
    });
    const result = await prune(context);
    return { result, weights: network.getWeights(), trainings };
  } finally {
    network.dispose();
  }
}

export function inProcessPruner(prune: PruneFunction): Pruner {
  return (request) => runPrune(prune, request);
}
