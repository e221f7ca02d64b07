/**
 * When a planned job counts as done, one rule for `run` and `run --plan`: a record of the job exists,
 * it is not a failure the run was asked to retry, and its method's code and manifest are those the
 * record was made with (else the record is stale and the job runs again, replacing it).
 */
import type { JobSpec } from '../jobs/spec.ts';
import { getMethod } from '../registry/methods.ts';
import type { RunRecord } from '../store/run-record.ts';

export type JobState = 'missing' | 'retry' | 'stale' | 'done';

/** Current method source hashes by method id, computed once each (null: not registered; its worker says why). */
export function currentSourceHashes(): (methodId: string) => string | null {
  const hashes = new Map<string, string | null>();
  return (methodId) => {
    if (!hashes.has(methodId)) {
      let hash: string | null = null;
      try {
        hash = getMethod(methodId).sourceHash;
      } catch {
        // an unknown method fails in its worker
      }
      hashes.set(methodId, hash);
    }
    return hashes.get(methodId)!;
  };
}

export function jobState(
  spec: JobSpec,
  record: RunRecord | null,
  currentSourceHash: (methodId: string) => string | null,
  retryFailed = false,
): JobState {
  if (record === null) return 'missing';
  if (record.status !== 'ok' && retryFailed) return 'retry';
  const current = spec.method ? currentSourceHash(spec.method.id) : null;
  if (current !== null && record.provenance.methodSourceHash !== current) return 'stale';
  return 'done';
}
