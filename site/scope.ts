/**
 * What the leaderboard shows, by the ranking rule of harness/aggregate/scope.ts: each task is ranked
 * in its leaderboard suite (the first suite that runs every method and includes it, `standard`
 * first), over that suite's sparsities and seeds. Records of a leaderboard task outside that scope
 * (a quick run at 50 %, a paper's sparsities) are kept apart and shown collapsed on the task page,
 * never scored. Every other suite with records gets its own ranking, computed exactly as
 * `prunebench report --suite` computes it, on a page of its own; tasks no leaderboard suite includes
 * (the smoke tasks, paper tasks) appear only there.
 */
import { aggregate, taskKey, type Aggregate, type TaskAggregate } from '../harness/aggregate/aggregate.ts';
import type { AggregatableRecord } from '../harness/aggregate/aggregatable-record.ts';
import { aggregateSuite, inSuiteScope, leaderboardSuiteOf, leaderboardSuites } from '../harness/aggregate/scope.ts';
import type { SuiteDefinition } from '../api/task-api.ts';
import { sparsitiesFor } from '../harness/jobs/suite-grid.ts';

export interface SuiteView {
  suite: SuiteDefinition;
  aggregate: Aggregate;
}

export interface SiteScope {
  /** Leaderboard tasks, each ranked in its leaderboard suite. */
  aggregate: Aggregate;
  /** Leaderboard suite id per task key of `aggregate`. */
  leaderboardSuite: Map<string, string>;
  /** Per leaderboard task key: its records outside the leaderboard suite's scope, unscored. */
  offGrid: Map<string, TaskAggregate>;
  /** Every non-leaderboard suite with records, in registry order. */
  otherSuites: SuiteView[];
}

/** Without suites (tests, embedding): every task is ranked over the sparsities its records have. */
export function unscopedSite(records: readonly AggregatableRecord[]): SiteScope {
  return { aggregate: aggregate(records), leaderboardSuite: new Map(), offGrid: new Map(), otherSuites: [] };
}

export function scopeSite(records: readonly AggregatableRecord[], suites: readonly SuiteDefinition[]): SiteScope {
  const inScope: AggregatableRecord[] = [];
  const outside: AggregatableRecord[] = [];
  for (const r of records) {
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
  const shown = new Set(ranked.tasks.map((t) => t.task.key));
  const offGrid = new Map(aggregate(outside.filter((r) => shown.has(taskKey(r.job.task)))).tasks.map((t) => [t.task.key, t] as const));
  const leaderboardIds = new Set(leaderboardSuites(suites).map((s) => s.id));
  const otherSuites = suites
    .filter((s) => !leaderboardIds.has(s.id))
    .map((suite) => ({ suite, aggregate: aggregateSuite(suite, records) }))
    .filter((v) => v.aggregate.tasks.length > 0);
  return {
    aggregate: ranked,
    leaderboardSuite: new Map(ranked.tasks.map((t) => [t.task.key, leaderboardSuiteOf(t.task.id, suites)!.id] as const)),
    offGrid,
    otherSuites,
  };
}
