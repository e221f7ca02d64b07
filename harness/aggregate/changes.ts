/** Rank changes between two aggregates (e.g. two releases): the changelog of the leaderboard. */
import type { Aggregate, MethodScore } from './aggregate.ts';

export type RankChangeKind = 'new' | 'removed' | 'up' | 'down' | 'ranked' | 'unranked' | 'tie' | 'same';

export interface RankPosition {
  rank: number | null;
  rankLabel: string;
  /** Score (mean retention) of complete methods; the partial score of incomplete ones. */
  score: number | null;
  complete: boolean;
}

export interface RankChange {
  task: string;
  method: string;
  before: RankPosition | null;
  after: RankPosition | null;
  kind: RankChangeKind;
  /** Places gained (positive) or lost (negative) between two ranked positions. */
  places: number | null;
}

function position(s: MethodScore): RankPosition {
  return { rank: s.rank, rankLabel: s.rankLabel, score: s.score?.mean ?? s.partialScore, complete: s.complete };
}

function classify(before: RankPosition | null, after: RankPosition | null): RankChangeKind {
  if (!before) return 'new';
  if (!after) return 'removed';
  if (before.rank === null && after.rank === null) return 'same';
  if (before.rank === null) return 'ranked';
  if (after.rank === null) return 'unranked';
  if (after.rank < before.rank) return 'up';
  if (after.rank > before.rank) return 'down';
  return before.rankLabel === after.rankLabel ? 'same' : 'tie';
}

/** Every (task, method) ranked in either aggregate, with how its rank moved; by task, then new rank. */
export function compareRankings(before: Aggregate, after: Aggregate): RankChange[] {
  const index = (a: Aggregate) => {
    const map = new Map<string, Map<string, MethodScore>>();
    for (const t of a.tasks) map.set(t.task.key, new Map(t.ranking.map((s) => [s.method, s])));
    return map;
  };
  const b = index(before);
  const a = index(after);
  const taskKeys = [...new Set([...b.keys(), ...a.keys()])].sort();
  const changes: RankChange[] = [];
  for (const task of taskKeys) {
    const bt = b.get(task) ?? new Map<string, MethodScore>();
    const at = a.get(task) ?? new Map<string, MethodScore>();
    const order = [...at.keys(), ...[...bt.keys()].filter((m) => !at.has(m)).sort()];
    for (const method of order) {
      const bp = bt.has(method) ? position(bt.get(method)!) : null;
      const ap = at.has(method) ? position(at.get(method)!) : null;
      const places = bp?.rank != null && ap?.rank != null ? bp.rank - ap.rank : null;
      changes.push({ task, method, before: bp, after: ap, kind: classify(bp, ap), places });
    }
  }
  return changes;
}
