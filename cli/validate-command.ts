import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, parse, resolve } from 'node:path';
import {
  checkManifest,
  checkMethodImports,
  checkRecords,
  checkReleaseFiles,
  checkSuite,
  jsonFilesUnder,
  type Problem,
} from '../harness/validate/file-checks.ts';
import { listMethods, methodIds, methodsDir } from '../harness/registry/methods.ts';
import { listSuites, listTasks } from '../harness/registry/suites.ts';
import { checkHistory } from '../harness/validate/history.ts';
import { checkReproductionFiles } from '../harness/reproduce/check.ts';

export interface ValidateOptions {
  results: string;
  /** Git ref whose merge base the results history is checked against. */
  base?: string;
}

/**
 * The results root a record file belongs to: the nearest folder above it that holds `runs/` on the
 * file's own path (`<root>/runs/<task>/…`); else the `--results` folder.
 */
export function resultsRootOf(file: string, fallback: string): string {
  let dir = dirname(resolve(file));
  const { root } = parse(dir);
  while (dir !== root) {
    if (basename(dir) === 'runs' && existsSync(dir) && statSync(dir).isDirectory()) return dirname(dir);
    dir = dirname(dir);
  }
  return fallback;
}

export function formatProblem(p: Problem): string {
  return `${p.severity === 'error' ? 'error' : 'warning'}: ${p.file} ${p.path}: ${p.message}`;
}

export async function validateCommand(
  paths: string[],
  opts: ValidateOptions,
  print: (line: string) => void = console.log,
): Promise<number> {
  const resultsDir = resolve(opts.results);
  const problems: Problem[] = [];
  const targets = paths.length ? paths.map((p) => resolve(p)) : [methodsDir, resultsDir].filter(existsSync);
  for (const p of targets)
    if (!existsSync(p)) problems.push({ file: p, path: '(root)', message: 'no such file or directory', severity: 'error' });
  const files = jsonFilesUnder(targets.filter(existsSync));

  const manifestFiles = files.filter((f) => basename(f) === 'manifest.json');
  for (const f of manifestFiles) problems.push(...checkManifest(f, basename(dirname(f))), ...checkMethodImports(dirname(f)));

  if (!paths.length) {
    const tasks = new Set(listTasks().map((t) => t.id));
    const methods = new Set(methodIds());
    const manifests = new Map(listMethods().map((m) => [m.manifest.id, m.manifest]));
    for (const suite of listSuites()) problems.push(...checkSuite(suite, tasks, methods, manifests));
  }

  const methodHashes = new Map(listMethods().map((m) => [m.manifest.id, m.sourceHash]));
  const isReproduction = (f: string) => basename(dirname(f)) === 'reproductions';
  const isRelease = (f: string) => basename(dirname(f)) === 'releases';
  const releaseFiles = files.filter(isRelease);
  problems.push(...checkReleaseFiles(releaseFiles));
  const reproductionFiles = files.filter(isReproduction);
  problems.push(...checkReproductionFiles(reproductionFiles));
  const recordFiles = files.filter(
    (f) => basename(f) !== 'manifest.json' && !isReproduction(f) && !isRelease(f) && !f.includes(`${join('results', 'schema')}`),
  );
  // Each folder that holds runs/ is judged as its own results root, so `validate DIR` needs no --results.
  const byRoot = new Map<string, string[]>();
  for (const f of recordFiles) {
    const root = resultsRootOf(f, resultsDir);
    byRoot.set(root, [...(byRoot.get(root) ?? []), f]);
  }
  let recordCount = 0;
  for (const [root, rootFiles] of byRoot) {
    const { problems: recordProblems, records } = checkRecords(rootFiles, { resultsDir: root, methodHashes });
    problems.push(...recordProblems);
    recordCount += records.size;
  }

  const history = await checkHistory({ resultsDir, base: opts.base });
  problems.push(...history.problems);
  for (const note of history.notes) print(`note: ${note}`);

  for (const p of problems) print(formatProblem(p));
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  print(
    `${errors ? 'invalid' : 'valid'}: ${manifestFiles.length} manifests, ${recordCount} records, ${reproductionFiles.length} reproductions, ${releaseFiles.length} releases${paths.length ? '' : `, ${listSuites().length} suites`}; ${errors} errors, ${warnings} warnings`,
  );
  return errors ? 1 : 0;
}
