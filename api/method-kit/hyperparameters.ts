import type { HyperparameterValue, PruneContext } from '../method-api.ts';

/**
 * Typed reads of the job's hyperparameters. The harness has checked every value against the
 * manifest's declaration before the job started, so these only catch a method reading a name its
 * manifest does not declare, or as another type than declared.
 */
export interface Hyperparameters {
  number(name: string): number;
  integer(name: string): number;
  boolean(name: string): boolean;
  /** A string hyperparameter declared with `choices`, narrowed to them. */
  choice<T extends string>(name: string, choices: readonly T[]): T;
  /** An `epochs` hyperparameter as a count: a positive integer, or the recipe's epochs or fine-tuning epochs. */
  epochs(name: string): number;
}

export function hyperparameters(ctx: Pick<PruneContext, 'hyperparameters' | 'recipe'>): Hyperparameters {
  const read = (name: string): HyperparameterValue => {
    if (!Object.hasOwn(ctx.hyperparameters, name)) throw new Error(`hyperparameter '${name}' is not declared in the method's manifest`);
    return ctx.hyperparameters[name];
  };
  const wrongType = (name: string, expected: string, value: HyperparameterValue) =>
    new Error(
      `hyperparameter '${name}' is read as ${expected} but its value is ${JSON.stringify(value)}: the manifest declares another type`,
    );
  return {
    number(name) {
      const value = read(name);
      if (typeof value !== 'number') throw wrongType(name, 'a number', value);
      return value;
    },
    integer(name) {
      const value = read(name);
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(name, 'an integer', value);
      return value;
    },
    boolean(name) {
      const value = read(name);
      if (typeof value !== 'boolean') throw wrongType(name, 'a boolean', value);
      return value;
    },
    choice<T extends string>(name: string, choices: readonly T[]): T {
      const value = read(name);
      if (typeof value !== 'string' || !(choices as readonly string[]).includes(value))
        throw wrongType(name, `one of ${choices.join(', ')}`, value);
      return value as T;
    },
    epochs(name) {
      const value = read(name);
      if (value === 'recipe.epochs') return ctx.recipe.epochs;
      if (value === 'recipe.fineTuneEpochs') return ctx.recipe.fineTuneEpochs;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw wrongType(name, 'an epoch count', value);
      return value;
    },
  };
}
