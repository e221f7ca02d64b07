/**
 * When a planned job counts as done, one rule for `run`, `run --plan` and `release`: a record of the job exists,
 * it is not a failure the run was asked to retry, and its method's code and manifest are those the
 * record was made with (else the record is stale and the job runs again, replacing it).
 */
import type { JobSpec } from '../jobs/spec.ts';
import { getMethod, type RegisteredMethod } from '../registry/methods.ts';
import type { RunRecord } from '../store/run-record.ts';

export type JobState = 'missing' | 'retry' | 'stale' | 'done';

/**
 * Registered methods by id, each looked up once (computing a source hash bundles the method's code,
 * tens of milliseconds); null for an id that is not registered (its worker says why).
 */
export type MethodLookup = (methodId: string) => RegisteredMethod | null;

export function registeredMethodLookup(): MethodLookup {
  const methods = new Map<string, RegisteredMethod | null>();
  return (methodId) => {
    if (!methods.has(methodId)) {
      let method: RegisteredMethod | null = null;
      try {
        method = getMethod(methodId);
      } catch {
        // an unknown method fails in its worker
      }
      methods.set(methodId, method);
    }
    return methods.get(methodId)!;
  };
}

/** Current method source hashes by method id (null: not registered). */
export function currentSourceHashes(lookup = registeredMethodLookup()): (methodId: string) => string | null {
  return (methodId) => lookup(methodId)?.sourceHash ?? null;
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
