import type { PruneContext, PruneResult, StepInfo } from '../../api/method-api.ts';
import { pruneIteratively, readIterativeMagnitudeSettings } from '../../api/method-kit/iterative-magnitude.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';

const REWIND_POINT = 'rewind';

/**
 * Iterative magnitude pruning with rewinding (Frankle et al. 2020): as IMP, but the surviving
 * weights are reset to their values after k steps of the first (dense) training run rather than
 * to initialisation. k is `rewindSteps`, or when that is 0, `rewindEpochFraction` of the first
 * epoch's steps. Leaves every weight at its rewind-point value (the harness masks the subnetwork and
 * trains it from there) and returns survival scores (see `survivalScores`).
 */
export function prune(ctx: PruneContext): Promise<PruneResult> {
  const settings = { ...readIterativeMagnitudeSettings(ctx), ...readRewindSettings(ctx) };
  return pruneIteratively(ctx, settings, {
    train: (round) => {
      if (round > 0) {
        ctx.train({ epochs: settings.epochs });
        return;
      }
      // The rewind point is initialisation until step k of the first training replaces it, so a
      // rewind point at step 0 is plain IMP; a checkpoint (not a variable) carries it through the
      // trunk levels the harness stores, which a later job may start from.
      ctx.checkpoint(REWIND_POINT);
      let rewindStep: number | null = null;
      let saved = false;
      ctx.train({
        epochs: settings.epochs,
        afterStep: (info: StepInfo) => {
          rewindStep ??=
            settings.rewindSteps > 0
              ? settings.rewindSteps
              : Math.round(settings.rewindEpochFraction * (info.totalSteps / settings.epochs));
          if (info.step === rewindStep) {
            ctx.checkpoint(REWIND_POINT);
            saved = true;
          }
        },
      });
      if (rewindStep !== 0 && !saved)
        throw new Error(`imp-rewind: the first training ran fewer than the ${rewindStep} steps of the rewind point`);
    },
    rewind: () => ctx.rewind(REWIND_POINT),
  });
}

function readRewindSettings(ctx: PruneContext): { rewindSteps: number; rewindEpochFraction: number } {
  const h = hyperparameters(ctx);
  return { rewindSteps: h.integer('rewindSteps'), rewindEpochFraction: h.number('rewindEpochFraction') };
}
