import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.ts';
import { compareRankings } from './changes.ts';
import { makeRecord } from '../testing/record-factory.ts';

/** Three seeds per method at one sparsity with tight spread, so no ties unless scores coincide. */
function recordsFor(scores: Record<string, number>, task = 'mnist-a') {
  return Object.entries(scores).flatMap(([method, acc]) =>
    [0, 1, 2].map((seed) => makeRecord({ task, method, sparsity: 0.9, seed, denseAccuracy: 1, accuracy: acc + seed * 0.0001 })),
  );
}

describe('compareRankings', () => {
  it('classifies moves, entries, exits and tie changes', () => {
    const before = aggregate([...recordsFor({ a: 0.9, b: 0.8, c: 0.7, gone: 0.6 }), ...recordsFor({ x: 0.9, y: 0.8 }, 'mnist-b')]);
    const after = aggregate([
      ...recordsFor({ a: 0.7, b: 0.9, c: 0.8, fresh: 0.5 }),
      ...[0, 1, 2].map((seed) =>
        makeRecord({ task: 'mnist-b', method: 'x', sparsity: 0.9, seed, denseAccuracy: 1, accuracy: [0.85, 0.9, 0.95][seed] }),
      ),
      ...recordsFor({ y: 0.89 }, 'mnist-b'),
    ]);
    const kinds = Object.fromEntries(compareRankings(before, after).map((c) => [`${c.task}/${c.method}`, [c.kind, c.places]]));
    expect(kinds).toEqual({
      'mnist-a@1/b': ['up', 1],
      'mnist-a@1/c': ['up', 1],
      'mnist-a@1/a': ['down', -2],
      'mnist-a@1/fresh': ['new', null],
      'mnist-a@1/gone': ['removed', null],
      // x stays first but y now overlaps its wide interval: "1" → "=1"
      'mnist-b@1/x': ['tie', 0],
      'mnist-b@1/y': ['up', 1],
    });
  });

  it('reports methods that became ranked or unranked', () => {
    const full = [0.5, 0.9].flatMap((s) => [0, 1].map((seed) => makeRecord({ method: 'a', sparsity: s, seed })));
    const partial = [0, 1].map((seed) => makeRecord({ method: 'a', sparsity: 0.5, seed }));
    const other = [0.5, 0.9].flatMap((s) => [0, 1].map((seed) => makeRecord({ method: 'b', sparsity: s, seed })));
    const [change] = compareRankings(aggregate([...full, ...other]), aggregate([...partial, ...other])).filter((c) => c.method === 'a');
    expect(change.kind).toBe('unranked');
    expect(change.after!.rankLabel).toBe('—');
    const [back] = compareRankings(aggregate([...partial, ...other]), aggregate([...full, ...other])).filter((c) => c.method === 'a');
    expect(back.kind).toBe('ranked');
  });
});
