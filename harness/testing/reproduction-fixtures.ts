/**
 * Test helper: schema-valid run records for the jobs of a plan (right ids, specs and dense links),
 * with numbers a test chooses. Not used by production code paths.
 */
import { makeRecord } from './record-factory.ts';
import { denseSpecFor, jobId, type JobSpec } from '../jobs/spec.ts';
import type { JobPlan } from '../jobs/plan.ts';
import type { RunRecord } from '../store/run-record.ts';

export interface JobNumbers {
  accuracy: number;
  denseAccuracy: number;
  /** Planted tasks: recall of the planted edges, strong-ticket accuracy and the planted ticket's accuracy. */
  planted?: { recall: number; strongTicketScore: number; plantedScore: number };
  failed?: boolean;
}

export function recordForJob(spec: JobSpec, numbers: JobNumbers): RunRecord {
  const dense = spec.method === null;
  const record = makeRecord({
    task: spec.task.id,
    taskVersion: spec.task.version,
    method: spec.method?.id ?? null,
    control: spec.control,
    sparsity: spec.sparsity,
    seed: spec.seed,
    accuracy: numbers.accuracy,
    denseAccuracy: numbers.denseAccuracy,
    status: numbers.failed ? 'failed' : 'ok',
    planted:
      numbers.planted && !dense
        ? {
            precision: numbers.planted.recall,
            recall: numbers.planted.recall,
            jaccard: numbers.planted.recall / 2,
            density: 0.0039,
            plantedScore: numbers.planted.plantedScore,
          }
        : undefined,
  }) as unknown as RunRecord;
  record.job = spec;
  record.id = jobId(spec);
  if (record.dense) record.dense.recordId = jobId(denseSpecFor(spec));
  if (record.planted && numbers.planted) record.planted.strongTicketScore = numbers.planted.strongTicketScore;
  return record;
}

/** A record for every job of a plan, the numbers chosen per job. */
export function recordsForPlan(plan: JobPlan, numbers: (spec: JobSpec) => JobNumbers): RunRecord[] {
  return [...plan.dense, ...plan.sparse].map((spec) => recordForJob(spec, numbers(spec)));
}
