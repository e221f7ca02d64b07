/**
 * What a sparse job trains after prune(): the weights training starts from and for how many
 * epochs, as one function of the method's `when`, the job's control and the recipe. It is the table
 * "How a method is run" of docs/protocol.md, row by row (harness/run/training-plan.test.ts checks
 * every row), so the rule lives in one place instead of in the branches of runSparseJob.
 */
import type { PruningTime } from '../../api/method-api.ts';
import type { Control } from '../../api/task-api.ts';
import type { TrainingRecipe } from '../../engine/recipe.ts';

/**
 * - `dense-trained`: the trained dense reference (after-training methods).
 * - `initial`: the task's initialisation for the seed, shared with the dense reference.
 * - `rescaled-initial`: `initial` with an init method's checked per-unit scale factors applied.
 * - `method-left`: the weights the method's prune() left (IMP's rewound weights; a during-training
 *   method's trained weights).
 * - `method-fine-tuned`: the weights an after-training method fine-tuned itself (`fineTuned: true`).
 * - `strong-ticket`: `initial`, or the strong-ticket method's checked recycled weights.
 * - `re-drawn`: a fresh seeded initialisation (the `reinit` control).
 */
export type StartingWeights =
  | 'dense-trained'
  | 'initial'
  | 'rescaled-initial'
  | 'method-left'
  | 'method-fine-tuned'
  | 'strong-ticket'
  | 're-drawn';

export interface TrainingPlan {
  start: StartingWeights;
  /** 0: evaluated as the weights stand. */
  epochs: number;
}

export interface TrainingPlanInput {
  when: PruningTime;
  control: Control | null;
  recipe: Pick<TrainingRecipe, 'epochs' | 'fineTuneEpochs'>;
  /** The method returned per-unit scale factors (init methods only). */
  rescaled: boolean;
  /** The method fine-tuned the masked network itself (after-training methods only). */
  methodFineTuned: boolean;
}

export function trainingPlan({ when, control, recipe, rescaled, methodFineTuned }: TrainingPlanInput): TrainingPlan {
  const full = recipe.epochs;
  if (control === 'reinit') return { start: 're-drawn', epochs: when === 'strong-ticket' ? 0 : full };
  switch (when) {
    case 'init':
      return { start: rescaled ? 'rescaled-initial' : 'initial', epochs: full };
    case 'after-training':
      // Under a control the method's own fine-tuning is discarded: the controlled mask is fine-tuned by the harness.
      return methodFineTuned && control === null
        ? { start: 'method-fine-tuned', epochs: 0 }
        : { start: 'dense-trained', epochs: recipe.fineTuneEpochs };
    case 'iterative':
      return { start: 'method-left', epochs: full };
    case 'during-training':
      // A shuffled mask was never trained under: retrain it from initialisation.
      return control === 'shuffled' ? { start: 'initial', epochs: full } : { start: 'method-left', epochs: 0 };
    case 'strong-ticket':
      return { start: 'strong-ticket', epochs: 0 };
  }
}
