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

export const methodsDir = fileURLToPath(new URL('.', import.meta.url));

export interface RegisteredMethod {
  manifest: MethodManifest;
  dir: string;
  /** SHA-256 over the method folder's source files (not tests), in name order. */
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

const methodKitDir = fileURLToPath(new URL('../harness/method-kit/', import.meta.url));

/** The method-kit files that method sources import, directly or through other kit files. */
export function kitFilesUsed(methodSources: string[]): string[] {
  const used = new Set<string>();
  const visit = (name: string) => {
    if (used.has(name) || !existsSync(join(methodKitDir, name))) return;
    used.add(name);
    const text = readFileSync(join(methodKitDir, name), 'utf8');
    for (const match of text.matchAll(/from '\.\/([\w.-]+\.ts)'/g)) visit(match[1]);
  };
  for (const text of methodSources) {
    for (const match of text.matchAll(/harness\/method-kit\/([\w.-]+\.ts)'/g)) visit(match[1]);
  }
  return [...used].sort();
}

/**
 * SHA-256 over the method folder's source files (not tests) in name order, then the method-kit
 * files they import: a record is stale when any code its method ran has changed.
 */
export function methodSourceHash(methodDir: string): string {
  const hash = createHash('sha256');
  const files = readdirSync(methodDir)
    .filter((f) => !f.includes('.test.') && (f.endsWith('.ts') || f === 'manifest.json'))
    .sort();
  const sources: string[] = [];
  for (const f of files) {
    const content = readFileSync(join(methodDir, f));
    if (f.endsWith('.ts')) sources.push(content.toString('utf8'));
    hash.update(f);
    hash.update('\0');
    hash.update(content);
    hash.update('\0');
  }
  for (const f of kitFilesUsed(sources)) {
    hash.update(`method-kit/${f}`);
    hash.update('\0');
    hash.update(readFileSync(join(methodKitDir, f)));
    hash.update('\0');
  }
  return hash.digest('hex');
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
