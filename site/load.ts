/**
 * Reading what the site shows: result records (every *.json under the results directory whose
 * content has `schemaVersion`, outside `schema/`) and method manifests (`<methods>/<id>/manifest.json`),
 * each validated with ajv. Invalid files are returned as rejections with their JSON paths; they
 * never stop the build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { AggregatableRecord } from '../harness/aggregate/aggregatable-record.ts';
import { recordIdentityProblems } from '../harness/store/record-identity.ts';
import { describeErrors } from '../harness/schema/validator.ts';
import type { MethodManifest } from '../api/method-api.ts';
import { expandVariants } from '../api/method-variants.ts';

/** A method as the site shows it: its manifest (or a variant's) with each hyperparameter's default in place of its declaration. */
export interface ManifestView {
  id: string;
  name: string;
  version: string;
  description: string;
  when: string;
  scope: string;
  needs: string[];
  output?: string;
  hyperparameters: Record<string, number | string | boolean>;
  choices?: string;
  paper?: { title: string; authors: string; year: number; url: string; bibtex: string };
}

/**
 * Manifests declare hyperparameters ({ type, default, …, help }) since protocol 2, and may declare
 * variants; the site shows each variant as a method and each hyperparameter's default. Manifests of
 * older releases hold bare default values, shown as they are.
 */
function shownDefaults(declared: Record<string, unknown>): Record<string, number | string | boolean> {
  return Object.fromEntries(
    Object.entries(declared).map(([name, d]) => [
      name,
      d !== null && typeof d === 'object' && 'default' in d
        ? (d as { default: number | string | boolean }).default
        : (d as number | string | boolean),
    ]),
  );
}

export interface SourceFile {
  /** Shown in rejections: relative to the results or methods directory. */
  path: string;
  text: string;
}

export interface Rejection {
  path: string;
  problems: string[];
}

export interface RecordSet {
  records: AggregatableRecord[];
  rejected: Rejection[];
  /** Files holding a record whose job id another file also holds; the newest record wins. */
  duplicates: string[];
}

export interface ManifestSet {
  manifests: Map<string, ManifestView>;
  rejected: Rejection[];
}

export interface Validators {
  record: ValidateFunction;
  manifest: ValidateFunction;
}

const defaultSchemaDir = fileURLToPath(new URL('../results/schema/', import.meta.url));

export function readSchemaTexts(schemaDir = defaultSchemaDir): { record: string; manifest: string } {
  return {
    record: readFileSync(join(schemaDir, 'record.schema.json'), 'utf8'),
    manifest: readFileSync(join(schemaDir, 'manifest.schema.json'), 'utf8'),
  };
}

export function createValidators(schemas: { record: string; manifest: string } = readSchemaTexts()): Validators {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const addFormats =
    (addFormatsModule as unknown as { default?: (a: Ajv) => void }).default ?? (addFormatsModule as unknown as (a: Ajv) => void);
  addFormats(ajv);
  return { record: ajv.compile(JSON.parse(schemas.record)), manifest: ajv.compile(JSON.parse(schemas.manifest)) };
}

function walkJson(dir: string, base: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (dir === base && entry.name === 'schema') continue;
      walkJson(full, base, out);
    } else if (entry.isFile() && entry.name.endsWith('.json')) out.push(full);
  }
}

/** The JSON files of a results directory that may hold records, relative paths sorted. */
export function readResultFiles(resultsDir: string): SourceFile[] {
  const files: string[] = [];
  walkJson(resultsDir, resultsDir, files);
  return files
    .map((f) => ({ path: relative(resultsDir, f).split(sep).join('/'), text: readFileSync(f, 'utf8') }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function parseRecords(files: readonly SourceFile[], validators: Validators): RecordSet {
  const byId = new Map<string, { record: AggregatableRecord; path: string }>();
  const rejected: Rejection[] = [];
  const duplicates: string[] = [];
  for (const file of files) {
    let data: unknown;
    try {
      data = JSON.parse(file.text);
    } catch (e) {
      rejected.push({ path: file.path, problems: [`malformed JSON: ${(e as Error).message}`] });
      continue;
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data) || !('schemaVersion' in data)) continue;
    if (!validators.record(data)) {
      rejected.push({ path: file.path, problems: describeErrors(validators.record.errors) });
      continue;
    }
    const record = data as AggregatableRecord;
    // A forged id, a record moved into another folder or a renamed copy is never counted.
    const identity = recordIdentityProblems(record, file.path);
    if (identity.length) {
      rejected.push({ path: file.path, problems: identity });
      continue;
    }
    const previous = byId.get(record.id);
    if (previous) {
      const newer = record.provenance.date > previous.record.provenance.date;
      duplicates.push(newer ? previous.path : file.path);
      if (newer) byId.set(record.id, { record, path: file.path });
    } else byId.set(record.id, { record, path: file.path });
  }
  return { records: [...byId.values()].map((v) => v.record), rejected, duplicates: duplicates.sort() };
}

/** `<methodsDir>/<id>/manifest.json` files, paths relative to methodsDir. */
export function readManifestFiles(methodsDir: string): SourceFile[] {
  let entries;
  try {
    entries = readdirSync(methodsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: SourceFile[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const file = join(methodsDir, entry.name, 'manifest.json');
    try {
      files.push({ path: `${entry.name}/manifest.json`, text: readFileSync(file, 'utf8') });
    } catch {
      // a method folder without a manifest is not a method (yet)
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function parseManifests(files: readonly SourceFile[], validators: Validators): ManifestSet {
  const manifests = new Map<string, ManifestView>();
  const rejected: Rejection[] = [];
  for (const file of files) {
    let data: unknown;
    try {
      data = JSON.parse(file.text);
    } catch (e) {
      rejected.push({ path: file.path, problems: [`malformed JSON: ${(e as Error).message}`] });
      continue;
    }
    if (!validators.manifest(data)) {
      rejected.push({ path: file.path, problems: describeErrors(validators.manifest.errors) });
      continue;
    }
    const manifest = data as MethodManifest;
    const folder = file.path.split('/')[0];
    if (manifest.id !== folder) {
      rejected.push({ path: file.path, problems: [`/id: '${manifest.id}' does not match the folder name '${folder}'`] });
      continue;
    }
    for (const m of expandVariants(manifest)) manifests.set(m.id, { ...m, hyperparameters: shownDefaults(m.hyperparameters) });
  }
  return { manifests, rejected };
}
