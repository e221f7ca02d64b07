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
 * first; a task's leaderboard suite is the first of them that includes it. Only unstructured records
 * are on the leaderboard: a structured track (a task's records of one structure) is ranked in the
 * first suite, `structured` first, that runs that structure on the task.
 */
import type { SuiteDefinition } from '../../api/task-api.ts';
import { aggregate, recordStructure, sparsityKey, type Aggregate } from './aggregate.ts';
import type { AggregatableRecord } from './aggregatable-record.ts';
import { sparsitiesFor } from '../jobs/suite-grid.ts';

export type SuiteGrid = Pick<
  SuiteDefinition,
  'id' | 'tasks' | 'sparsities' | 'taskSparsities' | 'seeds' | 'controls' | 'structures' | 'taskStructures'
>;

/** The structures a suite runs on one of its tasks: 'unstructured', 'neuron', 'filter', 'N:M'. */
export function suiteStructures(suite: Pick<SuiteDefinition, 'structures' | 'taskStructures'>, taskId: string): readonly string[] {
  return suite.taskStructures?.[taskId] ?? suite.structures ?? ['unstructured'];
}

export function inSuiteScope(record: AggregatableRecord, suite: SuiteGrid): boolean {
  const { job } = record;
  if (!suite.tasks.includes(job.task.id) || !suite.seeds.includes(job.seed)) return false;
  if (job.method === null) return true;
  if (job.control !== null && !(suite.controls ?? []).includes(job.control)) return false;
  if (!suiteStructures(suite, job.task.id).includes(recordStructure(record))) return false;
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

/** The suites that run some structured track, `structured` first, then in registry order. */
export function structuredSuites<S extends SuiteGrid>(suites: readonly S[]): S[] {
  const running = suites.filter((s) => s.tasks.some((t) => suiteStructures(s, t).some((x) => x !== 'unstructured')));
  return [...running.filter((s) => s.id === 'structured'), ...running.filter((s) => s.id !== 'structured')];
}

/**
 * The suite a structured track (a task's records of one structure) is ranked in: the first of
 * `structuredSuites` that runs the structure on the task. No suite runs every method on a structure,
 * so, unlike the leaderboard's, this rule also ranks tracks of smoke suites, each in its own suite.
 */
export function structuredSuiteOf<S extends SuiteGrid>(taskId: string, structure: string, suites: readonly S[]): S | undefined {
  if (structure === 'unstructured') return undefined;
  return structuredSuites(suites).find((s) => s.tasks.includes(taskId) && suiteStructures(s, taskId).includes(structure));
}
