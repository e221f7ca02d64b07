import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { jobId, recordRelativePath, type JobSpec } from '../jobs/spec.ts';
import { assertValid, parseJsonFile, SchemaError } from '../schema/validator.ts';
import type { RunRecord } from './record.ts';

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
    if (record.id !== jobId(record.job)) throw new SchemaError(file, [`/id: '${record.id}' is not the identity of the job spec (${jobId(record.job)})`]);
    assertValid('record', record, file);
    mkdirSync(dirname(file), { recursive: true });
    const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
    try {
      writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`);
      renameSync(temp, file);
    } catch (e) {
      rmSync(temp, { force: true });
      throw e;
    }
    return file;
  }

  read(spec: JobSpec): RunRecord | null {
    const file = this.pathFor(spec);
    return existsSync(file) ? readRecordFile(file) : null;
  }

  /** Every record file under the store (temp files excluded). */
  files(): string[] {
    const runs = join(this.dir, 'runs');
    if (!existsSync(runs)) return [];
    return walkJson(runs);
  }

  /** Reads and validates every record; invalid files are returned as errors, not thrown. */
  readAll(): { records: RunRecord[]; errors: SchemaError[] } {
    const records: RunRecord[] = [];
    const errors: SchemaError[] = [];
    for (const file of this.files()) {
      try {
        records.push(readRecordFile(file));
      } catch (e) {
        errors.push(e instanceof SchemaError ? e : new SchemaError(file, [(e as Error).message]));
      }
    }
    return { records, errors };
  }

  relative(file: string): string {
    return relative(this.dir, file);
  }
}

export function readRecordFile(file: string): RunRecord {
  const data = parseJsonFile(file, readFileSync(file, 'utf8'));
  assertValid('record', data, file);
  return data as RunRecord;
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
