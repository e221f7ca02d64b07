import type { HyperparameterDeclaration, HyperparameterValue, MethodManifest } from '../../api/method-api.ts';

/** A hyperparameter value a job cannot run with; names the method, the field and the value. */
export class HyperparameterError extends Error {}

/** Overrides by method id, then hyperparameter name. Text values (from `--set`) are parsed by the declared type. */
export type HyperparameterOverrides = Record<string, Record<string, HyperparameterValue>>;

const RECIPE_EPOCHS = ['recipe.epochs', 'recipe.fineTuneEpochs'];

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** Why `value` is not allowed by `declaration`, or null. */
export function hyperparameterProblem(declaration: HyperparameterDeclaration, value: unknown): string | null {
  switch (declaration.type) {
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'string':
      if (typeof value !== 'string' || !declaration.choices.includes(value))
        return `must be one of ${declaration.choices.map(show).join(', ')}`;
      return null;
    case 'epochs':
      if (typeof value === 'string' && RECIPE_EPOCHS.includes(value)) return null;
      return typeof value === 'number' && Number.isInteger(value) && value >= 1
        ? null
        : `must be a positive integer or one of ${RECIPE_EPOCHS.map(show).join(', ')}`;
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a finite number`;
      if (declaration.type === 'integer' && !Number.isInteger(value)) return 'must be an integer';
      const bounds = declaration;
      if (bounds.minimum !== undefined && value < bounds.minimum) return `must be ≥ ${bounds.minimum}`;
      if (bounds.maximum !== undefined && value > bounds.maximum) return `must be ≤ ${bounds.maximum}`;
      if (declaration.type === 'number') {
        if (declaration.exclusiveMinimum !== undefined && value <= declaration.exclusiveMinimum)
          return `must be > ${declaration.exclusiveMinimum}`;
        if (declaration.exclusiveMaximum !== undefined && value >= declaration.exclusiveMaximum)
          return `must be < ${declaration.exclusiveMaximum}`;
      }
      return null;
    }
  }
}

/** Parses a command-line text value by the declared type; unparseable text is returned as is, for the check to refuse. */
export function parseHyperparameterText(declaration: HyperparameterDeclaration, text: string): HyperparameterValue {
  switch (declaration.type) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'string':
      return text;
    case 'epochs':
      return RECIPE_EPOCHS.includes(text) ? text : text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    case 'integer':
    case 'number':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
  }
}

/**
 * The effective hyperparameters of a job: the manifest's defaults with `overrides` applied, every
 * value checked against its declaration. Throws a HyperparameterError naming the method, the
 * field and the value for an unknown name or a value the declaration does not allow.
 */
export function resolveHyperparameters(
  manifest: Pick<MethodManifest, 'id' | 'hyperparameters'>,
  overrides: Record<string, HyperparameterValue> = {},
): Record<string, HyperparameterValue> {
  const declared = Object.keys(manifest.hyperparameters);
  for (const name of Object.keys(overrides)) {
    if (!Object.hasOwn(manifest.hyperparameters, name)) {
      throw new HyperparameterError(
        `method '${manifest.id}' has no hyperparameter '${name}' (it has: ${declared.length ? declared.join(', ') : 'none'})`,
      );
    }
  }
  const values: Record<string, HyperparameterValue> = {};
  for (const [name, declaration] of Object.entries(manifest.hyperparameters)) {
    const given = overrides[name];
    const value =
      given === undefined ? declaration.default : typeof given === 'string' ? parseHyperparameterText(declaration, given) : given;
    const problem = hyperparameterProblem(declaration, value);
    if (problem) throw new HyperparameterError(`method '${manifest.id}': hyperparameter '${name}' = ${show(given ?? value)} ${problem}`);
    values[name] = value;
  }
  return values;
}

/** Checks a job's recorded hyperparameters: exactly the declared names, each value allowed. */
export function checkJobHyperparameters(
  manifest: Pick<MethodManifest, 'id' | 'hyperparameters'>,
  values: Record<string, HyperparameterValue>,
): void {
  const missing = Object.keys(manifest.hyperparameters).filter((name) => !Object.hasOwn(values, name));
  if (missing.length)
    throw new HyperparameterError(`method '${manifest.id}': the job gives no value for hyperparameter(s) ${missing.join(', ')}`);
  resolveHyperparameters(manifest, values);
}

/**
 * Parses `--set method.key=value` options into overrides (values stay text until the method's
 * declarations parse them). Later options win.
 */
export function parseSetOptions(options: readonly string[]): HyperparameterOverrides {
  const overrides: HyperparameterOverrides = {};
  for (const option of options) {
    const m = /^([a-z0-9][a-z0-9-]*)\.([A-Za-z_][\w]*)=(.*)$/s.exec(option);
    if (!m) throw new HyperparameterError(`--set must look like method.hyperparameter=value, got '${option}'`);
    (overrides[m[1]] ??= {})[m[2]] = m[3];
  }
  return overrides;
}

/** Overrides of `later` replace those of `earlier`, name by name. */
export function mergeOverrides(
  earlier: HyperparameterOverrides | undefined,
  later: HyperparameterOverrides | undefined,
): HyperparameterOverrides {
  const merged: HyperparameterOverrides = {};
  for (const source of [earlier ?? {}, later ?? {}]) {
    for (const [method, values] of Object.entries(source)) merged[method] = { ...merged[method], ...values };
  }
  return merged;
}
