/**
 * The method registry: every folder `methods/<id>/` with a `manifest.json` and an `index.ts`
 * exporting `prune`. Adding a method is adding a folder; nothing else is edited.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MethodManifest, PruneFunction } from '../harness/method-api.ts';
import { assertValid, parseJsonFile, SchemaError } from '../harness/schema/validator.ts';
import { analyseMethodSources } from '../harness/sandbox/method-sources.ts';

export const methodsDir = fileURLToPath(new URL('.', import.meta.url));

export interface RegisteredMethod {
  manifest: MethodManifest;
  dir: string;
  /** SHA-256 over what is bundled for the method and its manifest (methodSourceHash). */
  sourceHash: string;
  load(): Promise<PruneFunction>;
}

export function methodIds(dir = methodsDir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'manifest.json')))
    .map((d) => d.name)
    .sort();
}

export function readManifest(file: string): MethodManifest {
  const data = parseJsonFile(file, readFileSync(file, 'utf8'));
  assertValid('manifest', data, file);
  return data as MethodManifest;
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
  const methodDir = join(dir, id);
  const manifestFile = join(methodDir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`unknown method '${id}' (known: ${methodIds(dir).join(', ')})`);
  const manifest = readManifest(manifestFile);
  if (manifest.id !== id) throw new SchemaError(manifestFile, [`/id: '${manifest.id}' does not match the folder name '${id}'`]);
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
  return methodIds(dir).map((id) => getMethod(id, dir));
}
