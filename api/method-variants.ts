import type { MethodManifest } from './method-api.ts';

/**
 * A manifest and the manifests of the variants it declares. A variant shares the folder's code,
 * version and hyperparameter declarations; it has its own id, name and description and may change
 * when the method prunes, its scope, its defaults, choices and paper.
 */
export function expandVariants(manifest: MethodManifest): MethodManifest[] {
  const variants = (manifest.variants ?? []).map((variant): MethodManifest => {
    const hyperparameters = Object.fromEntries(
      Object.entries(manifest.hyperparameters).map(([name, declaration]) => {
        const value = variant.defaults?.[name];
        return [name, value === undefined ? declaration : ({ ...declaration, default: value } as typeof declaration)];
      }),
    );
    const expanded: MethodManifest = {
      ...manifest,
      id: variant.id,
      name: variant.name,
      description: variant.description,
      when: variant.when ?? manifest.when,
      scope: variant.scope ?? manifest.scope,
      hyperparameters,
      choices: variant.choices ?? manifest.choices,
      paper: variant.paper ?? manifest.paper,
      reinit: variant.reinit ?? manifest.reinit,
      variantOf: manifest.id,
    };
    delete expanded.variants;
    if (expanded.reinit === undefined) delete expanded.reinit;
    return expanded;
  });
  return [manifest, ...variants];
}
