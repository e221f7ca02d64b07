import { describe, expect, it } from 'vitest';
import type { MethodManifest } from '../../api/method-api.ts';
import { HyperparameterError, checkJobHyperparameters, parseSetOptions, resolveHyperparameters } from './hyperparameters.ts';

const manifest: Pick<MethodManifest, 'id' | 'hyperparameters'> = {
  id: 'm',
  hyperparameters: {
    rate: { type: 'number', default: 0.2, exclusiveMinimum: 0, exclusiveMaximum: 1, help: 'rate' },
    rounds: { type: 'integer', default: 3, minimum: 1, maximum: 10, help: 'rounds' },
    fast: { type: 'boolean', default: false, help: 'fast' },
    scope: { type: 'string', default: 'global', choices: ['global', 'layerwise'], help: 'scope' },
    epochs: { type: 'epochs', default: 'recipe.epochs', help: 'epochs' },
  },
};

describe('hyperparameter declarations', () => {
  it('give the defaults, and parse command-line text by the declared type', () => {
    expect(resolveHyperparameters(manifest)).toEqual({ rate: 0.2, rounds: 3, fast: false, scope: 'global', epochs: 'recipe.epochs' });
    expect(resolveHyperparameters(manifest, { rate: '0.5', rounds: '10', fast: 'true', scope: 'layerwise', epochs: '4' })).toEqual({
      rate: 0.5,
      rounds: 10,
      fast: true,
      scope: 'layerwise',
      epochs: 4,
    });
    expect(resolveHyperparameters(manifest, { epochs: 'recipe.fineTuneEpochs' }).epochs).toBe('recipe.fineTuneEpochs');
  });

  it('refuse values outside the range or the choices', () => {
    const refused: Array<[Record<string, string | number | boolean>, string]> = [
      [{ rate: 1 }, "method 'm': hyperparameter 'rate' = 1 must be < 1"],
      [{ rate: 0 }, "method 'm': hyperparameter 'rate' = 0 must be > 0"],
      [{ rounds: 11 }, "method 'm': hyperparameter 'rounds' = 11 must be ≤ 10"],
      [{ rounds: '0' }, "method 'm': hyperparameter 'rounds' = '0' must be ≥ 1"],
      [{ fast: 'yes' }, "method 'm': hyperparameter 'fast' = 'yes' must be true or false"],
      [{ scope: 'per-layer' }, "method 'm': hyperparameter 'scope' = 'per-layer' must be one of 'global', 'layerwise'"],
      [
        { epochs: 0 },
        "method 'm': hyperparameter 'epochs' = 0 must be a positive integer or one of 'recipe.epochs', 'recipe.fineTuneEpochs'",
      ],
      [
        { epochs: 'recipe.epoch' },
        "method 'm': hyperparameter 'epochs' = 'recipe.epoch' must be a positive integer or one of 'recipe.epochs', 'recipe.fineTuneEpochs'",
      ],
    ];
    for (const [overrides, message] of refused) {
      expect(() => resolveHyperparameters(manifest, overrides)).toThrow(HyperparameterError);
      expect(() => resolveHyperparameters(manifest, overrides)).toThrow(message);
    }
  });

  it('check a job: every declared name present, nothing else, each value allowed', () => {
    expect(() => checkJobHyperparameters(manifest, resolveHyperparameters(manifest))).not.toThrow();
    const { rounds: _rounds, ...missing } = resolveHyperparameters(manifest);
    expect(() => checkJobHyperparameters(manifest, missing)).toThrow("method 'm': the job gives no value for hyperparameter(s) rounds");
    expect(() => checkJobHyperparameters(manifest, { ...resolveHyperparameters(manifest), extra: 1 })).toThrow(
      /has no hyperparameter 'extra'/,
    );
  });

  it('parse --set options, later ones winning', () => {
    expect(parseSetOptions(['snip.batches=2', 'imp.scope=global', 'snip.batches=3'])).toEqual({
      snip: { batches: '3' },
      imp: { scope: 'global' },
    });
    expect(() => parseSetOptions(['snip-batches=2'])).toThrow("--set must look like method.hyperparameter=value, got 'snip-batches=2'");
  });
});
