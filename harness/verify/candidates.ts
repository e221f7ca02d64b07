/** Which records `verify` re-runs: named record files, or a seeded sample of a results directory, each re-runnable by this checkout. */
import { Rng } from '../../engine/rng.ts';
import { staleVersionReason } from '../jobs/versions.ts';
import { getMethod } from '../registry/methods.ts';
import { getTask } from '../registry/suites.ts';
import type { RunRecord } from '../store/run-record.ts';
import { ResultStore, readRecordFile } from '../store/store.ts';

/** `count` of the candidates: a seeded shuffle of them in id order. */
export function sampleRecords<T extends { id: string }>(candidates: T[], count: number, seed: number): T[] {
  const sorted = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return new Rng(seed).fork('verify').shuffle(sorted).slice(0, count);
}

/** Why a record cannot be re-run by this checkout, or null when it can. */
export function whyNotVerifiable(record: RunRecord): string | null {
  if (record.status !== 'ok') return 'not an ok record';
  // The current code computes protocol- and engine-current numbers only.
  const staleVersion = staleVersionReason(record.job);
  if (staleVersion) return `stale: ${staleVersion}`;
  let task: ReturnType<typeof getTask>;
  try {
    task = getTask(record.job.task.id);
  } catch {
    return `task '${record.job.task.id}' is not registered`;
  }
  if (task.version !== record.job.task.version)
    return `task '${task.id}' is at version ${task.version}, the record at ${record.job.task.version}`;
  const unavailable = task.unavailableReason();
  if (unavailable) return `task '${task.id}' cannot run here: ${unavailable}`;
  if (record.job.method) {
    let method: ReturnType<typeof getMethod>;
    try {
      method = getMethod(record.job.method.id);
    } catch {
      return `method '${record.job.method.id}' is not registered`;
    }
    if (method.manifest.version !== record.job.method.version || method.sourceHash !== record.provenance.methodSourceHash) {
      return `method '${method.manifest.id}' changed since the record was made (stale: rerun it)`;
    }
  }
  return null;
}

/** The named record files; `problems` names each file that cannot be read or re-run here. */
export function namedRecords(files: readonly string[]): { records: RunRecord[]; problems: string[] } {
  const records: RunRecord[] = [];
  const problems: string[] = [];
  for (const file of files) {
    let record: RunRecord;
    try {
      record = readRecordFile(file);
    } catch (e) {
      problems.push((e as Error).message);
      continue;
    }
    const why = record.status !== 'ok' ? `its status is '${record.status}'` : whyNotVerifiable(record);
    if (why) problems.push(`${file}: cannot be re-run: ${why}`);
    else records.push(record);
  }
  return { records, problems };
}

export interface ResultsSample {
  sample: RunRecord[];
  /** The ok records of the directory, and those of them this checkout can re-run. */
  ok: number;
  candidates: number;
  /** Messages of record files that do not validate. */
  invalid: string[];
  /** Why the other ok records cannot be re-run here, with how many records each. */
  notVerifiable: Map<string, number>;
}

/** A seeded sample of `count` re-runnable ok records of a results directory. */
export function sampleResults(resultsDir: string, count: number, seed: number): ResultsSample {
  const { records, errors } = new ResultStore(resultsDir).readAll();
  const ok = records.filter((r) => r.status === 'ok');
  const notVerifiable = new Map<string, number>();
  const candidates = ok.filter((r) => {
    const why = whyNotVerifiable(r);
    if (why) notVerifiable.set(why, (notVerifiable.get(why) ?? 0) + 1);
    return why === null;
  });
  return {
    sample: sampleRecords(candidates, count, seed),
    ok: ok.length,
    candidates: candidates.length,
    invalid: errors.map((e) => e.message),
    notVerifiable,
  };
}
