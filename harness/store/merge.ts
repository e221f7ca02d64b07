/**
 * Merging results directories: the records of shards (or of a run in another worktree) into one
 * results directory. A record is copied byte for byte to the path its identity gives when that path
 * is empty, or when the record there is stale (made by a method's earlier code), failed or
 * unreadable and the incoming one is current (and, over a failed one, ok); a finished current ok
 * record is never replaced. `cp -n` got the last case wrong: a stale
 * record re-made by a shard lands at the same path, so a no-clobber copy kept the stale one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { canonicalJson, recordRelativePath } from '../jobs/spec.ts';
import { SchemaError } from '../schema/validator.ts';
import type { RunRecord } from './run-record.ts';
import { readRecordAt, type ResultStore, walkJson, writeFileAtomically } from './store.ts';

export interface MergeReport {
  /** Records copied to an empty path (paths below the target results directory). */
  added: string[];
  /** Records that replaced a stale, failed or unreadable record at their path. */
  replaced: string[];
  /** Incoming files identical to the record already there. */
  identical: number;
  /** Incoming records of a job that already has a finished current record, which was kept. */
  kept: number;
  /** Of the kept: the incoming record's metrics differ from the kept one's (the same job gave other numbers). */
  differingMetrics: string[];
  /** Incoming records left out because they are stale themselves. */
  staleSkipped: string[];
  /** Incoming files that are not valid records (schema, identity, location), each naming its file. */
  invalid: SchemaError[];
}

/** The folder holding a source's record files: `<source>/runs` when it has one, else the source itself. */
export function sourceRunsDir(source: string): string {
  const runs = join(source, 'runs');
  return existsSync(runs) ? runs : source;
}

/**
 * Merges the record files under each source (a results directory, or a folder laid out like its
 * `runs/`) into `target`. Sources are taken in order; within the rules above the first finished
 * record of a job wins. Invalid source files are reported, never copied; nothing already in the
 * target is lost except stale, failed or unreadable records that a current (ok) one replaces.
 */
export function mergeResults(sources: readonly string[], target: ResultStore, isStale: (record: RunRecord) => boolean): MergeReport {
  const report: MergeReport = {
    added: [],
    replaced: [],
    identical: 0,
    kept: 0,
    differingMetrics: [],
    staleSkipped: [],
    invalid: [],
  };
  for (const source of sources) {
    const runsDir = sourceRunsDir(source);
    if (!existsSync(runsDir)) {
      report.invalid.push(new SchemaError(source, ['(root): no such directory']));
      continue;
    }
    for (const file of walkJson(runsDir)) mergeFile(file, runsDir, target, isStale, report);
  }
  return report;
}

function mergeFile(file: string, runsDir: string, target: ResultStore, isStale: (record: RunRecord) => boolean, report: MergeReport): void {
  const bytes = readFileSync(file);
  let record: RunRecord;
  try {
    record = readRecordAt(file, `runs/${relative(runsDir, file).split(sep).join('/')}`, bytes.toString('utf8'));
  } catch (e) {
    report.invalid.push(e instanceof SchemaError ? e : new SchemaError(file, [(e as Error).message]));
    return;
  }
  const destination = target.pathFor(record.job);
  const shown = recordRelativePath(record.job);
  if (!existsSync(destination)) {
    writeFileAtomically(destination, bytes);
    report.added.push(shown);
    return;
  }
  const existingBytes = readFileSync(destination);
  if (existingBytes.equals(bytes)) {
    report.identical++;
    return;
  }
  let existing: RunRecord | null = null;
  try {
    existing = target.read(record.job);
  } catch {
    // an unreadable record at the path is replaced by a valid one
  }
  // A failed record gives way to the same job's ok record (a `run --retry-failed` elsewhere).
  const retried = existing !== null && existing.status !== 'ok' && record.status === 'ok';
  if (existing !== null && !isStale(existing) && !retried) {
    report.kept++;
    if (canonicalJson(existing.metrics) !== canonicalJson(record.metrics)) report.differingMetrics.push(shown);
    return;
  }
  if (isStale(record)) {
    report.staleSkipped.push(shown);
    return;
  }
  writeFileAtomically(destination, bytes);
  report.replaced.push(shown);
}
