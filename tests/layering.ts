/**
 * The layers of PruneBench and the import rules between them (docs/architecture.md), checked on
 * the source tree by tests/layering.test.ts. Bottom to top:
 *
 *   engine → api → methods | suites | planted → harness → site → cli
 *
 * `bench/`, `tests/` and `bin/` are tooling above everything. Test code (`*.test.ts` and files
 * under a `testing/` folder) may import across layers, but no other code may import it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Project-relative, '/'-separated. */
  from: string;
  /** Project-relative path of a project file, or the bare specifier of a package or built-in. */
  to: string;
  /** `import type` / `export type`: erased at run time. */
  typeOnly: boolean;
}

export interface Violation {
  edge: ImportEdge;
  rule: string;
}

const SOURCE = /\.(ts|mts|js|mjs)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'results', 'artifacts', 'coverage']);

export function isTestCode(file: string): boolean {
  return /\.test\.ts$/.test(file) || file.split('/').includes('testing');
}

export function isPackage(to: string): boolean {
  return !to.includes('/') ? true : !/^(engine|api|methods|suites|planted|harness|site|cli|bench|tests|bin)\//.test(to);
}

/** Every import, re-export and literal dynamic import of one file's text. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) => edges.push({ from: file, to: resolveSpecifier(file, specifier), typeOnly });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
      const allNamedTypes = Boolean(named && named.length > 0 && !clause?.name && named.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier.text, Boolean(clause?.isTypeOnly) || allNamedTypes);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) add((node.arguments[0] as ts.StringLiteralLike).text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function resolveSpecifier(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return normalize(join(dirname(file), specifier))
    .split(sep)
    .join('/');
}

/** The project's source files, project-relative. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export function projectImports(root: string): ImportEdge[] {
  return sourceFiles(root).flatMap((f) => importsOf(f, readFileSync(join(root, f), 'utf8')));
}

const LAYER_ORDER = ['engine', 'api', 'domain', 'harness', 'site', 'cli', 'tooling'] as const;
type Layer = (typeof LAYER_ORDER)[number];

function layerOf(file: string): Layer | null {
  const top = file.split('/')[0]!;
  if (top === 'engine' || top === 'api' || top === 'harness' || top === 'site' || top === 'cli') return top;
  if (top === 'methods' || top === 'suites' || top === 'planted') return 'domain';
  if (top === 'bench' || top === 'tests' || top === 'bin') return 'tooling';
  return null;
}

const METHOD_PACKAGES = new Set(['@tensorflow/tfjs-core']);
const TFJS = /^@tensorflow\//;

/** The rules for one edge of non-test code; test code only may not be imported. */
export function edgeViolations(edge: ImportEdge): string[] {
  const { from, to } = edge;
  const problems: string[] = [];
  const tooling = layerOf(from) === 'tooling';
  if (!isPackage(to) && isTestCode(to) && !isTestCode(from) && !tooling)
    problems.push('only test code and tooling (bench/, tests/) may import test code (*.test.ts, testing/)');
  if (isTestCode(from) || tooling) return problems;
  const top = from.split('/')[0]!;
  const toTop = isPackage(to) ? null : to.split('/')[0]!;
  const fromLayer = layerOf(from);
  const toLayer = toTop ? layerOf(to) : null;

  if (toTop && fromLayer && toLayer && LAYER_ORDER.indexOf(toLayer) > LAYER_ORDER.indexOf(fromLayer)) {
    problems.push(`${fromLayer} may not import the ${toLayer} layer above it`);
  }
  if (top === 'api' && toTop === 'engine' && !edge.typeOnly)
    problems.push('the API uses engine types only (import type), so method bundles never load the engine');
  if (top === 'methods') {
    const own = `${from.split('/').slice(0, 2).join('/')}/`;
    const allowed =
      to.startsWith(own) || to === 'api/method-api.ts' || to.startsWith('api/method-kit/') || (isPackage(to) && METHOD_PACKAGES.has(to));
    if (!allowed) problems.push('a method imports only its own folder, api/method-api.ts, api/method-kit/ and @tensorflow/tfjs-core');
  }
  if (top === 'planted' && (toTop === 'suites' || toTop === 'methods'))
    problems.push('planted tasks import only the engine, the API and planted/');
  if (top === 'suites' && toTop === 'methods') problems.push('suites never import methods (the harness joins them)');
  if (
    (top === 'harness' || top === 'cli') &&
    (toTop === 'methods' || toTop === 'suites' || toTop === 'planted') &&
    !from.startsWith('harness/registry/')
  ) {
    problems.push('the application reaches methods/, suites/ and planted/ only through harness/registry/');
  }
  if (to === 'simple-git' && !from.startsWith('harness/git/')) problems.push('only harness/git/ talks to git (simple-git)');
  if (top === 'site' && (toTop === 'engine' || (toTop === null && TFJS.test(to)))) problems.push('the site never loads the engine or tfjs');
  return problems;
}

export function violations(edges: readonly ImportEdge[]): Violation[] {
  return edges.flatMap((edge) => edgeViolations(edge).map((rule) => ({ edge, rule })));
}

/**
 * Files the site loads at run time, transitively, that are the engine or tfjs: each with the chain
 * of imports that reaches it from a site file.
 */
export function siteRuntimeReachesEngine(edges: readonly ImportEdge[]): string[][] {
  const runtime = new Map<string, string[]>();
  for (const e of edges) if (!e.typeOnly && !isTestCode(e.from)) runtime.set(e.from, [...(runtime.get(e.from) ?? []), e.to]);
  const chains: string[][] = [];
  const seen = new Set<string>();
  const queue: string[][] = [...runtime.keys()].filter((f) => f.startsWith('site/')).map((f) => [f]);
  while (queue.length) {
    const chain = queue.shift()!;
    const file = chain[chain.length - 1]!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.startsWith('engine/') || TFJS.test(file)) {
      chains.push(chain);
      continue;
    }
    for (const next of runtime.get(file) ?? []) if (!seen.has(next)) queue.push([...chain, next]);
  }
  return chains;
}

/** Folder-level cycles: top-level folders, and the subfolders of harness/. */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const folderOf = (file: string): string => {
    const parts = file.split('/');
    return parts[0] === 'harness' && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
  };
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    if (isTestCode(e.from) || isPackage(e.to)) continue;
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  return stronglyConnected(graph).filter((c) => c.length > 1);
}

function stronglyConnected(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((s) => [...s])]);
  const connect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!indices.has(v)) connect(v);
  return out;
}
