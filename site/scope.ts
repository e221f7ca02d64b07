/**
 * What the leaderboard shows, by the ranking rule of harness/aggregate/scope.ts: each task is ranked
 * in its leaderboard suite (the first suite that runs every method and includes it, `standard`
 * first), over that suite's sparsities and seeds. Records of a leaderboard task outside that scope
 * (a quick run at 50 %, a paper's sparsities) are kept apart and shown collapsed on the task page,
 * never scored. Every other suite with records gets its own ranking, computed exactly as
 * `prunebench report --suite` computes it, on a page of its own; tasks no leaderboard suite includes
 * (the smoke tasks, paper tasks) appear only there.
 *
 * Structured records (neuron, filter, N:M) are never on the unstructured leaderboard: each track (a
 * task's records of one structure) is ranked in its structured suite (`structured` first), exactly as
 * that suite's report ranks it, and its records outside that suite's scope are its own off-grid ones.
 */
import { aggregate, recordStructure, trackKey, type Aggregate, type TaskAggregate } from '../harness/aggregate/aggregate.ts';
import type { AggregatableRecord } from '../harness/aggregate/aggregatable-record.ts';
import {
  aggregateSuite,
  inSuiteScope,
  leaderboardSuiteOf,
  leaderboardSuites,
  structuredSuiteOf,
  structuredSuites,
} from '../harness/aggregate/scope.ts';
import type { SuiteDefinition } from '../api/task-api.ts';
import { sparsitiesFor } from '../harness/jobs/suite-grid.ts';

export interface SuiteView {
  suite: SuiteDefinition;
  aggregate: Aggregate;
}

export interface StructuredScope {
  /** The structured tracks (each a TaskAggregate with `task.structure`), each ranked in its suite. */
  aggregate: Aggregate;
  /** The suite id each track (by task key) is ranked in; absent without suites (tests, embedding). */
  suite: Map<string, string>;
}

export interface SiteScope {
  /** Leaderboard tasks (unstructured), each ranked in its leaderboard suite. */
  aggregate: Aggregate;
  /** Leaderboard suite id per task key of `aggregate`. */
  leaderboardSuite: Map<string, string>;
  /** Structured tracks, each ranked in its structured suite. */
  structured: StructuredScope;
  /** Per task key of a leaderboard task or a structured track: its records outside its suite's scope, unscored. */
  offGrid: Map<string, TaskAggregate>;
  /** Every non-leaderboard suite with records, in registry order. */
  otherSuites: SuiteView[];
}

const isStructured = (r: AggregatableRecord) => r.job.method !== null && recordStructure(r) !== 'unstructured';
const recordTrack = (r: AggregatableRecord) => trackKey(r.job.task, recordStructure(r));

/** Without suites (tests, embedding): every task and structured track is ranked over the sparsities its records have. */
export function unscopedSite(records: readonly AggregatableRecord[]): SiteScope {
  return {
    aggregate: aggregate(records.filter((r) => !isStructured(r))),
    leaderboardSuite: new Map(),
    structured: { aggregate: tracksAggregate(aggregate(records).tasks.filter((t) => t.task.structure !== undefined)), suite: new Map() },
    offGrid: new Map(),
    otherSuites: [],
  };
}

export function scopeSite(records: readonly AggregatableRecord[], suites: readonly SuiteDefinition[]): SiteScope {
  const inScope: AggregatableRecord[] = [];
  const outside: AggregatableRecord[] = [];
  for (const r of records) {
    if (isStructured(r)) continue;
    const suite = leaderboardSuiteOf(r.job.task.id, suites);
    if (!suite) continue;
    (inSuiteScope(r, suite) ? inScope : outside).push(r);
  }
  const ranked = aggregate(inScope, {
    gridFor: (task) => {
      const suite = leaderboardSuiteOf(task.id, suites);
      return suite ? sparsitiesFor(suite, task.id) : undefined;
    },
  });
  const structured = structuredTracks(records, suites);
  const shown = new Set([...ranked.tasks, ...structured.aggregate.tasks].map((t) => t.task.key));
  for (const r of records) {
    if (!isStructured(r)) continue;
    const suite = structuredSuiteOf(r.job.task.id, recordStructure(r), suites);
    if (suite && !inSuiteScope(r, suite)) outside.push(r);
  }
  const offGrid = new Map(
    aggregate(outside.filter((r) => shown.has(recordTrack(r))))
      .tasks.filter((t) => shown.has(t.task.key))
      .map((t) => [t.task.key, t] as const),
  );
  const leaderboardIds = new Set(leaderboardSuites(suites).map((s) => s.id));
  const otherSuites = suites
    .filter((s) => !leaderboardIds.has(s.id))
    .map((suite) => ({ suite, aggregate: aggregateSuite(suite, records) }))
    .filter((v) => v.aggregate.tasks.length > 0);
  return {
    aggregate: ranked,
    leaderboardSuite: new Map(ranked.tasks.map((t) => [t.task.key, leaderboardSuiteOf(t.task.id, suites)!.id] as const)),
    structured,
    offGrid,
    otherSuites,
  };
}

/** Each structured track with records, as its structured suite ranks it (what `report --suite` prints for it). */
function structuredTracks(records: readonly AggregatableRecord[], suites: readonly SuiteDefinition[]): StructuredScope {
  const tracks: TaskAggregate[] = [];
  const suite = new Map<string, string>();
  const dense = records.filter((r) => r.job.method === null);
  const claimed = groupBy(records.filter(isStructured), (r) => structuredSuiteOf(r.job.task.id, recordStructure(r), suites)?.id ?? '');
  for (const s of structuredSuites(suites)) {
    const structured = claimed.get(s.id);
    if (!structured) continue;
    const own = [...dense, ...structured];
    for (const t of aggregateSuite(s, own).tasks) {
      if (t.task.structure === undefined || suite.has(t.task.key)) continue;
      tracks.push(t);
      suite.set(t.task.key, s.id);
    }
  }
  return { aggregate: tracksAggregate(tracks), suite };
}

/** Tracks in key order; the counts are of their pruning records (the dense references serve every track of a task). */
function tracksAggregate(tracks: TaskAggregate[]): Aggregate {
  const sorted = [...tracks].sort((a, b) => (a.task.key < b.task.key ? -1 : a.task.key > b.task.key ? 1 : 0));
  const ok = sorted.reduce((n, t) => n + t.cells.reduce((m, c) => m + c.n, 0), 0);
  const failed = sorted.reduce((n, t) => n + t.cells.reduce((m, c) => m + c.failed, 0), 0);
  return { tasks: sorted, records: ok + failed, ok, failed };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
