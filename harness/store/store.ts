import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { canonicalJson, describeJob, jobId, recordRelativePath, type JobSpec } from '../jobs/spec.ts';
import { duplicateIdProblems, recordIdentityProblems } from './record-identity.ts';
import { assertValid, parseJsonFile, SchemaError } from '../schema/validator.ts';
import type { RunRecord } from './run-record.ts';

/** One JSON file per job under a results directory; path and file name follow from the job identity. */
export class ResultStore {
  constructor(readonly dir: string) {}

  pathFor(spec: JobSpec): string {
    return join(this.dir, recordRelativePath(spec));
  }

  has(spec: JobSpec): boolean {
    return existsSync(this.pathFor(spec));
  }

  /** Validates, then writes atomically (temp file in the same directory, then rename). */
  write(record: RunRecord): string {
    const file = this.pathFor(record.job);
    if (record.id !== jobId(record.job))
      throw new SchemaError(file, [`/id: '${record.id}' is not the identity of the job spec (${jobId(record.job)})`]);
    assertValid('record', record, file);
    writeFileAtomically(file, `${JSON.stringify(record, null, 2)}\n`);
    return file;
  }

  /** The record at the job's path, or null; throws SchemaError when the file there is not that job's record. */
  read(spec: JobSpec): RunRecord | null {
    const file = this.pathFor(spec);
    if (!existsSync(file)) return null;
    const record = readRecordFile(file);
    const problems = recordIdentityProblems(record, recordRelativePath(spec));
    if (canonicalJson(record.job) !== canonicalJson(spec))
      problems.push(`/job: the record's job spec is not the job whose path it is at (${describeJob(spec)})`);
    if (problems.length) throw new SchemaError(file, problems);
    return record;
  }

  /** Every record file under the store (temp files excluded). */
  files(): string[] {
    const runs = join(this.dir, 'runs');
    if (!existsSync(runs)) return [];
    return walkJson(runs);
  }

  /**
   * Reads every record, checking schema, identity, location and uniqueness; a file failing any
   * check is returned as an error naming it, not thrown and not among the records.
   */
  readAll(): { records: RunRecord[]; errors: SchemaError[] } {
    const read: Array<{ file: string; record: RunRecord }> = [];
    const errors: SchemaError[] = [];
    for (const file of this.files()) {
      try {
        read.push({ file, record: readRecordAt(file, relative(this.dir, file).split(sep).join('/')) });
      } catch (e) {
        errors.push(e instanceof SchemaError ? e : new SchemaError(file, [(e as Error).message]));
      }
    }
    const duplicates = duplicateIdProblems(read.map(({ file, record }) => ({ file, id: record.id })));
    for (const [file, problem] of duplicates) errors.push(new SchemaError(file, [problem]));
    return { records: read.filter(({ file }) => !duplicates.has(file)).map(({ record }) => record), errors };
  }

  relative(file: string): string {
    return relative(this.dir, file);
  }
}

/** Writes through a temp file in the same directory and a rename, so a reader never sees half a file. */
export function writeFileAtomically(file: string, data: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

export function readRecordFile(file: string, text = readFileSync(file, 'utf8')): RunRecord {
  const data = parseJsonFile(file, text);
  assertValid('record', data, file);
  return data as RunRecord;
}

/**
 * A record file that must sit at `relativePath` below its results root ('/'-separated): schema,
 * then identity and location; throws a SchemaError naming the file. `text` spares a second read.
 */
export function readRecordAt(file: string, relativePath: string, text?: string): RunRecord {
  const record = readRecordFile(file, text);
  const problems = recordIdentityProblems(record, relativePath);
  if (problems.length) throw new SchemaError(file, problems);
  return record;
}

export function walkJson(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walkJson(full));
    else if (entry.name.endsWith('.json')) out.push(full);
  }
  return out.sort();
}
