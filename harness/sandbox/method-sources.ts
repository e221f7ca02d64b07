/**
 * What a method's code is made of, as esbuild sees it when it bundles the method: every project
 * file it reads and every npm package it imports. The same analysis gives the method's source
 * identity (so a record goes stale when any bundled file changes) and enforces the import rules
 * (so a method cannot pull the test split, a planted ticket or a network module into its bundle).
 */
import { buildSync, type Metafile } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const methodApi = 'api/method-api.ts';
const methodKitFolder = 'api/method-kit/';
/** The npm packages the method API hands out (ctx.tf is tfjs-core; '@tensorflow/tfjs' is aliased to it). */
const allowedPackages = new Set(['@tensorflow/tfjs-core', '@tensorflow/tfjs']);
const codeFile = /\.(ts|mts|js|mjs)$/;

export interface ImportViolation {
  /** The importing file, relative to the project root. */
  file: string;
  /** The import as written. */
  specifier: string;
  reason: string;
}

export interface MethodSources {
  /** Project files the bundle reads for the method, relative to the project root, sorted. */
  files: string[];
  /** npm packages the method imports, as name@version, sorted. */
  packages: string[];
  violations: ImportViolation[];
  /** SHA-256 over the files' paths and contents and the packages' versions. */
  hash: string;
}

export class MethodImportError extends Error {
  constructor(
    readonly entry: string,
    readonly violations: ImportViolation[],
  ) {
    super(
      `${entry}: forbidden imports in method code (a method may import its own folder, ${methodApi}, ${methodKitFolder} and @tensorflow/tfjs-core only): ${violations.map((v) => `${v.file} imports '${v.specifier}' (${v.reason})`).join('; ')}`,
    );
  }
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));
}

function packageVersion(name: string): string {
  const require = createRequire(join(projectRoot, 'package.json'));
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unresolved';
  }
}

/** Why one import of method code is not allowed, or null. `target` is project-relative; `methodDir` too. */
function importProblem(imported: Metafile['inputs'][string]['imports'][number], methodDir: string): string | null {
  const type = imported.with?.type;
  if (imported.external) {
    // esbuild's own helpers (e.g. the require shim), not a file or package.
    if (imported.path === '<runtime>') return null;
    if (isBuiltin(imported.path)) return 'Node built-in modules are not available to method code';
    if (!allowedPackages.has(packageName(imported.path))) return `package '${packageName(imported.path)}' is not part of the method API`;
    if (type) return `import attributes (type '${type}') are not allowed on packages`;
    return null;
  }
  const target = imported.path;
  const inOwnFolder = target.startsWith(methodDir);
  if (type && !(type === 'json' && inOwnFolder)) return `only the method's own JSON may be imported with attributes (type '${type}')`;
  if (inOwnFolder)
    return codeFile.test(target) || target.endsWith('.json') ? null : 'only code and JSON files of the method folder may be imported';
  if (target === methodApi || (target.startsWith(methodKitFolder) && codeFile.test(target))) return null;
  if (target.startsWith('node_modules/')) return 'files of npm packages may not be imported by path';
  return `'${target}' is outside the method folder, the method API and the method kit`;
}

function buildMetafile(entry: string): Metafile {
  return buildSync({
    entryPoints: [entry],
    absWorkingDir: projectRoot,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  }).metafile;
}

/**
 * Resolves the method's import graph as the sandbox bundle does (packages left external) and
 * checks every import of method or kit code against the rules.
 */
export function analyseMethodSources(entry: string): MethodSources {
  const absoluteEntry = resolve(entry);
  const toProject = (p: string) =>
    relative(projectRoot, isAbsolute(p) ? p : join(projectRoot, p))
      .split(sep)
      .join('/');
  const methodDir = `${toProject(dirname(absoluteEntry))}/`;
  let metafile: Metafile;
  try {
    metafile = buildMetafile(absoluteEntry);
  } catch (e) {
    const message = ((e as { errors?: Array<{ text: string }> }).errors ?? []).map((x) => x.text).join('; ') || (e as Error).message;
    const file = toProject(absoluteEntry);
    return {
      files: [file],
      packages: [],
      violations: [{ file, specifier: '(bundle)', reason: `esbuild cannot bundle the method: ${message}` }],
      hash: createHash('sha256').update(readFileSync(absoluteEntry)).digest('hex'),
    };
  }

  const files = Object.keys(metafile.inputs).map(toProject).sort();
  const packages = new Set<string>();
  const violations: ImportViolation[] = [];
  for (const [input, info] of Object.entries(metafile.inputs)) {
    for (const imported of info.imports) {
      const normalised = imported.external ? imported : { ...imported, path: toProject(imported.path) };
      const reason = importProblem(normalised, methodDir);
      if (reason) violations.push({ file: toProject(input), specifier: imported.original ?? imported.path, reason });
      else if (imported.external) packages.add(packageName(imported.path));
    }
  }
  const versions = [...packages].sort().map((name) => `${name}@${packageVersion(name)}`);
  const hash = createHash('sha256');
  for (const file of files) {
    const label = file.startsWith(methodDir) ? `method/${file.slice(methodDir.length)}` : file;
    hash
      .update(label)
      .update('\0')
      .update(readFileSync(join(projectRoot, file)))
      .update('\0');
  }
  for (const version of versions) hash.update(version).update('\0');
  return { files, packages: versions, violations, hash: hash.digest('hex') };
}

/** The analysis, throwing MethodImportError when any import breaks the rules. */
export function checkedMethodSources(entry: string): MethodSources {
  const sources = analyseMethodSources(entry);
  if (sources.violations.length) throw new MethodImportError(entry, sources.violations);
  return sources;
}
