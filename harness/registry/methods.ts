/**
 * The method registry: every folder `methods/<id>/` with a `manifest.json` and an `index.ts`
 * exporting `prune`. Adding a method is adding a folder; nothing else is edited.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MethodManifest, PruneFunction } from '../../api/method-api.ts';
import { assertValid, parseJsonFile, SchemaError } from '../schema/validator.ts';
import { analyseMethodSources } from '../sandbox/method-sources.ts';
import { expandVariants } from '../../api/method-variants.ts';
import { resolveHyperparameters } from '../jobs/hyperparameters.ts';

export const methodsDir = fileURLToPath(new URL('../../methods/', import.meta.url));

/** A method the registry found in methods/ (a folder, or a variant a manifest declares), with its prune() loadable in this process. */
export interface RegisteredMethod {
  manifest: MethodManifest;
  /** The folder holding the method's code: its own, or for a declared variant the declaring method's. */
  dir: string;
  /** SHA-256 over what is bundled for the method and its manifest (methodSourceHash). */
  sourceHash: string;
  load(): Promise<PruneFunction>;
}

/** Folders `methods/<id>/` holding a manifest. */
function methodFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'manifest.json')))
    .map((d) => d.name)
    .sort();
}

/** Every registered method id: the folders' and the variants their manifests declare. */
export function methodIds(dir = methodsDir): string[] {
  return [...manifestsById(dir).keys()].sort();
}

export function readManifest(file: string): MethodManifest {
  const data = parseJsonFile(file, readFileSync(file, 'utf8'));
  assertValid('manifest', data, file);
  const manifest = data as MethodManifest;
  for (const m of expandVariants(manifest)) {
    try {
      resolveHyperparameters(m);
    } catch (e) {
      throw new SchemaError(file, [`/hyperparameters: ${(e as Error).message}`]);
    }
  }
  return manifest;
}

/** Each method id with its manifest (variants expanded) and the folder of its code. */
function manifestsById(dir: string): Map<string, { manifest: MethodManifest; folder: string }> {
  const byId = new Map<string, { manifest: MethodManifest; folder: string }>();
  for (const folder of methodFolders(dir)) {
    const file = join(dir, folder, 'manifest.json');
    const manifest = readManifest(file);
    if (manifest.id !== folder) throw new SchemaError(file, [`/id: '${manifest.id}' does not match the folder name '${folder}'`]);
    for (const m of expandVariants(manifest)) {
      const taken = byId.get(m.id);
      if (taken)
        throw new SchemaError(file, [
          `/variants: id '${m.id}' is already the id of ${taken.folder === m.id ? 'a method folder' : `a variant declared by ${taken.folder}`}`,
        ]);
      byId.set(m.id, { manifest: m, folder });
    }
  }
  return byId;
}

/**
 * SHA-256 over every file esbuild bundles for the method (its folder's code at any depth, the
 * method-kit files, the versions of the packages it imports) and its manifest: a record is stale
 * when any code its method ran, or its manifest, has changed.
 */
export function methodSourceHash(methodDir: string): string {
  return createHash('sha256')
    .update(analyseMethodSources(join(methodDir, 'index.ts')).hash)
    .update('\0')
    .update(readFileSync(join(methodDir, 'manifest.json')))
    .digest('hex');
}

export function getMethod(id: string, dir = methodsDir): RegisteredMethod {
  const all = manifestsById(dir);
  const found = all.get(id);
  if (!found) throw new Error(`unknown method '${id}' (known: ${[...all.keys()].sort().join(', ')})`);
  return registered(found.manifest, join(dir, found.folder));
}

function registered(manifest: MethodManifest, methodDir: string): RegisteredMethod {
  return {
    manifest,
    dir: methodDir,
    sourceHash: methodSourceHash(methodDir),
    load: async () => {
      const entry = join(methodDir, 'index.ts');
      const mod = (await import(pathToFileURL(entry).href)) as { prune?: PruneFunction };
      if (typeof mod.prune !== 'function') throw new Error(`${entry}: must export a function 'prune(ctx)'`);
      return mod.prune;
    },
  };
}

export function listMethods(dir = methodsDir): RegisteredMethod[] {
  return [...manifestsById(dir).entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, { manifest, folder }]) => registered(manifest, join(dir, folder)));
}
