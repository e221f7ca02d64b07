/**
 * The one ranking rule of PruneBench, shared by `prunebench report` and the site: a task is ranked
 * within one suite, over that suite's grid. A record is in a suite's scope when its task is one of
 * the suite's tasks, its seed one of the suite's seeds, and it is a dense reference, or a pruning
 * record at one of the suite's sparsities, uncontrolled or with one of the suite's controls. Any
 * method counts (a submission run with --methods is ranked with the rest); so does any method
 * version (the site marks mixed versions). The task's grid is the suite's sparsities with the task's
 * own additions (a planted ticket's density). A record's structure must be one the suite runs on
 * its task (unstructured unless the suite says otherwise); an N:M record is in scope at its own
 * sparsity, 1 − N/M.
 *
 * The leaderboard suites are those that run every registered method (`methods: 'all'`), `standard`
 * first; a task's leaderboard suite is the first of them that includes it.
 */
import type { SuiteDefinition } from '../../api/task-api.ts';
import { aggregate, recordStructure, sparsityKey, type Aggregate } from './aggregate.ts';
import type { AggregatableRecord } from './aggregatable-record.ts';
import { sparsitiesFor } from '../jobs/suite-grid.ts';

export type SuiteGrid = Pick<
  SuiteDefinition,
  'id' | 'tasks' | 'sparsities' | 'taskSparsities' | 'seeds' | 'controls' | 'structures' | 'taskStructures'
>;

export function inSuiteScope(record: AggregatableRecord, suite: SuiteGrid): boolean {
  const { job } = record;
  if (!suite.tasks.includes(job.task.id) || !suite.seeds.includes(job.seed)) return false;
  if (job.method === null) return true;
  if (job.control !== null && !(suite.controls ?? []).includes(job.control)) return false;
  const structures = suite.taskStructures?.[job.task.id] ?? suite.structures ?? ['unstructured'];
  if (!structures.includes(recordStructure(record))) return false;
  if (job.structure?.kind === 'n:m') return true;
  const s = sparsityKey(job.sparsity);
  return sparsitiesFor(suite, job.task.id).some((g) => sparsityKey(g) === s);
}

/** The suite's records aggregated and ranked over the suite's grid: what `report --suite` prints. */
export function aggregateSuite(suite: SuiteGrid, records: readonly AggregatableRecord[]): Aggregate {
  return aggregate(
    records.filter((r) => inSuiteScope(r, suite)),
    { gridFor: (task) => sparsitiesFor(suite, task.id) },
  );
}

/** The suites whose rankings form the leaderboard, `standard` first. */
export function leaderboardSuites<S extends SuiteGrid & Pick<SuiteDefinition, 'methods'>>(suites: readonly S[]): S[] {
  const all = suites.filter((s) => s.methods === 'all');
  return [...all.filter((s) => s.id === 'standard'), ...all.filter((s) => s.id !== 'standard')];
}

/** The leaderboard suite a task is ranked in, if any. */
export function leaderboardSuiteOf<S extends SuiteGrid & Pick<SuiteDefinition, 'methods'>>(
  taskId: string,
  suites: readonly S[],
): S | undefined {
  return leaderboardSuites(suites).find((s) => s.tasks.includes(taskId));
}
