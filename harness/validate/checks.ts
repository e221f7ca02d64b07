import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { recordIdentityProblems } from '../store/record-identity.ts';
import { staleVersionReason } from '../jobs/versions.ts';
import { schemaProblems, parseJsonFile, SchemaError } from '../schema/validator.ts';
import { walkJson } from '../store/store.ts';
import type { RunRecord } from '../store/record.ts';
import type { SuiteDefinition } from '../../api/task-api.ts';
import type { MethodManifest } from '../../api/method-api.ts';
import { bibtexProblems } from './bibtex.ts';
import { readReleaseFile, releaseProblems } from '../release/release.ts';
import { analyseMethodSources, projectRoot } from '../sandbox/method-sources.ts';
import { expandVariants } from '../../api/method-variants.ts';
import { resolveHyperparameters } from '../jobs/hyperparameters.ts';

export interface Problem {
  file: string;
  /** JSON path inside the file, '(root)' for the whole document. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** Problems from a schema validator's 'path: message' lines. */
export function fromSchema(file: string, messages: string[]): Problem[] {
  return messages.map((m) => {
    const i = m.indexOf(': ');
    return { file, path: m.slice(0, i), message: m.slice(i + 2), severity: 'error' as const };
  });
}

function readJson(file: string): { data: unknown } | { problem: Problem } {
  try {
    return { data: parseJsonFile(file, readFileSync(file, 'utf8')) };
  } catch (e) {
    const message = e instanceof SchemaError ? e.problems.join('; ') : (e as Error).message;
    return { problem: { file, path: '(root)', message, severity: 'error' } };
  }
}

/** Each release file's schema, and that every record it lists (below the results root holding releases/) still exists unchanged. */
export function checkReleaseFiles(files: string[]): Problem[] {
  return files.flatMap((file) => {
    try {
      return releaseProblems(dirname(dirname(file)), readReleaseFile(file)).map((message) => ({
        file,
        path: '/records',
        message,
        severity: 'error' as const,
      }));
    } catch (e) {
      return e instanceof SchemaError
        ? e.problems.map((m) => fromSchema(file, [m])[0])
        : [{ file, path: '(root)', message: (e as Error).message, severity: 'error' as const }];
    }
  });
}

/** The sandbox's import rules applied to a method folder's code, before anything runs. */
export function checkMethodImports(methodDir: string): Problem[] {
  const entry = join(methodDir, 'index.ts');
  if (!existsSync(entry)) return [];
  return analyseMethodSources(entry).violations.map((v) => ({
    file: join(projectRoot, v.file),
    path: `import '${v.specifier}'`,
    message: v.reason,
    severity: 'error' as const,
  }));
}

export function checkManifest(file: string, folderName: string): Problem[] {
  const read = readJson(file);
  if ('problem' in read) return [read.problem];
  const problems = fromSchema(file, schemaProblems('manifest', read.data));
  if (problems.length) return problems;
  const manifest = read.data as MethodManifest;
  if (manifest.id !== folderName)
    problems.push({ file, path: '/id', message: `'${manifest.id}' does not match the folder name '${folderName}'`, severity: 'error' });
  if (manifest.paper)
    for (const m of bibtexProblems(manifest.paper.bibtex)) problems.push({ file, path: '/paper/bibtex', message: m, severity: 'error' });
  (manifest.variants ?? []).forEach((variant, i) => {
    if (variant.paper)
      for (const m of bibtexProblems(variant.paper.bibtex))
        problems.push({ file, path: `/variants/${i}/paper/bibtex`, message: m, severity: 'error' });
  });
  for (const m of expandVariants(manifest)) {
    try {
      resolveHyperparameters(m);
    } catch (e) {
      problems.push({ file, path: m.variantOf ? '/variants' : '/hyperparameters', message: (e as Error).message, severity: 'error' });
    }
  }
  if (!existsSync(join(file, '..', 'index.ts')))
    problems.push({ file, path: '(root)', message: 'the method folder has no index.ts', severity: 'error' });
  for (const path of placeholderPaths(manifest))
    problems.push({
      file,
      path,
      message: "still holds the scaffold's TODO placeholder: write it (or delete the field where the scaffold says so)",
      severity: 'error',
    });
  return problems;
}

/** JSON paths of the string fields that still begin with the scaffold's "TODO" placeholder. */
function placeholderPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return /^\s*TODO\b/.test(value) ? [path || '(root)'] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholderPaths(v, `${path}/${i}`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => placeholderPaths(v, `${path}/${k}`));
  return [];
}

/** `manifests`: the registered methods by id, against whose declarations the suite's hyperparameter values are checked. */
export function checkSuite(
  suite: SuiteDefinition,
  knownTasks: Set<string>,
  knownMethods: Set<string>,
  manifests: ReadonlyMap<string, MethodManifest> = new Map(),
): Problem[] {
  const file = `suite:${suite.id}`;
  const problems = fromSchema(file, schemaProblems('suite', suite));
  for (const [id, values] of Object.entries(suite.hyperparameters ?? {})) {
    const manifest = manifests.get(id);
    if (!manifest) {
      problems.push({ file, path: `/hyperparameters/${id}`, message: `unknown method '${id}'`, severity: 'error' });
      continue;
    }
    try {
      resolveHyperparameters(manifest, values);
    } catch (e) {
      problems.push({ file, path: `/hyperparameters/${id}`, message: (e as Error).message, severity: 'error' });
    }
  }
  suite.tasks.forEach((t, i) => {
    if (!knownTasks.has(t)) problems.push({ file, path: `/tasks/${i}`, message: `unknown task '${t}'`, severity: 'error' });
  });
  if (Array.isArray(suite.methods)) {
    suite.methods.forEach((m, i) => {
      if (!knownMethods.has(m)) problems.push({ file, path: `/methods/${i}`, message: `unknown method '${m}'`, severity: 'error' });
    });
  }
  for (const [task, sparsities] of Object.entries(suite.taskSparsities ?? {})) {
    if (!suite.tasks.includes(task))
      problems.push({
        file,
        path: `/taskSparsities/${task}`,
        message: `task '${task}' is not one of the suite's tasks`,
        severity: 'error',
      });
    sparsities.forEach((s, i) => {
      if (suite.sparsities.includes(s))
        problems.push({
          file,
          path: `/taskSparsities/${task}/${i}`,
          message: `sparsity ${s} is in the suite's shared sparsities already`,
          severity: 'error',
        });
    });
  }
  return problems;
}

export interface RecordCheckContext {
  resultsDir: string;
  /** Current source hash per method id. */
  methodHashes: Map<string, string>;
}

/** Schema, identity, path, staleness and cross-record consistency of a set of record files. */
export function checkRecords(files: string[], ctx: RecordCheckContext): { problems: Problem[]; records: Map<string, RunRecord> } {
  const problems: Problem[] = [];
  const records = new Map<string, RunRecord>();
  const seen = new Map<string, string>();
  for (const file of files) {
    const read = readJson(file);
    if ('problem' in read) {
      problems.push(read.problem);
      continue;
    }
    const data = read.data as Record<string, unknown>;
    if (!data || typeof data !== 'object' || !('schemaVersion' in data)) continue;
    const schema = fromSchema(file, schemaProblems('record', data));
    if (schema.length) {
      problems.push(...schema);
      continue;
    }
    const record = data as unknown as RunRecord;
    const relativePath = relative(ctx.resultsDir, resolve(file)).split('\\').join('/');
    problems.push(...fromSchema(file, recordIdentityProblems(record, relativePath)));
    const previous = seen.get(record.id);
    if (previous)
      problems.push({ file, path: '/id', message: `duplicate record id ${record.id} (also in ${previous})`, severity: 'error' });
    seen.set(record.id, file);
    records.set(record.id, record);
    const staleVersion = staleVersionReason(record.job);
    if (staleVersion)
      problems.push({
        file,
        path: '/job/protocol',
        message: `stale: ${staleVersion}; its numbers may differ from what the current code gives (a run of its grid makes a current record)`,
        severity: 'warning',
      });
    if (record.job.method) {
      const current = ctx.methodHashes.get(record.job.method.id);
      if (current === undefined)
        problems.push({ file, path: '/job/method/id', message: `method '${record.job.method.id}' is not registered`, severity: 'warning' });
      else if (record.provenance.methodSourceHash && record.provenance.methodSourceHash !== current) {
        problems.push({
          file,
          path: '/provenance/methodSourceHash',
          message: `stale: the method's code changed since this record was made (rerun it)`,
          severity: 'warning',
        });
      }
    }
    if (record.status === 'ok' && record.metrics === null)
      problems.push({ file, path: '/metrics', message: 'an ok record must have metrics', severity: 'error' });
    if (record.status === 'failed' && record.failure === null)
      problems.push({ file, path: '/failure', message: 'a failed record must say why', severity: 'error' });
    // A structured job's weight target is what its checked structure leaves (docs/protocol.md, Structures).
    const target = record.job.structure && record.metrics ? record.metrics.sparsity.target : record.job.sparsity;
    if (record.status === 'ok' && record.metrics && Math.abs(record.metrics.sparsity.global - target) > 0.001) {
      problems.push({
        file,
        path: '/metrics/sparsity/global',
        message: `measured sparsity ${record.metrics.sparsity.global} misses the job's target ${target} by more than 0.1 pp`,
        severity: 'error',
      });
    }
    const unitStructure = record.job.structure?.kind === 'neuron' || record.job.structure?.kind === 'filter';
    if (record.status === 'ok' && record.metrics && unitStructure && !record.metrics.units) {
      problems.push({
        file,
        path: '/metrics/units',
        message: `a ${record.job.structure!.kind} record must say how many units it removed`,
        severity: 'error',
      });
    }
  }
  for (const [id, record] of records) {
    if (record.dense && !records.has(record.dense.recordId)) {
      problems.push({
        file: seen.get(id)!,
        path: '/dense/recordId',
        message: `dense reference ${record.dense.recordId} is not among the records`,
        severity: 'warning',
      });
    }
  }
  return { problems, records };
}

/** Expands paths (files or directories) into JSON files. */
export function jsonFilesUnder(paths: string[]): string[] {
  return paths.flatMap((p) => (statSync(p).isDirectory() ? walkJson(p) : [p]));
}
