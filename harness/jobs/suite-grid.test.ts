import { describe, expect, it } from 'vitest';
import { allSparsities, describeSuiteMethods, selectsRegisteredMethods, sparsitiesFor, suiteMethodIds } from './suite-grid.ts';
import type { MethodManifest } from '../../api/method-api.ts';

const manifest = (id: string, output?: 'scores' | 'masks'): MethodManifest => ({
  id,
  name: id,
  version: '1.0.0',
  description: id,
  when: 'init',
  scope: 'global',
  needs: [],
  ...(output ? { output } : {}),
  hyperparameters: {},
});

describe('suite grids', () => {
  const suite = { sparsities: [0.5, 0.9], taskSparsities: { p: [0.9961], q: [0.9, 0.99983] } };

  it('gives each task the shared sparsities and then its own, without repeating a shared one', () => {
    expect(sparsitiesFor(suite, 'other')).toEqual([0.5, 0.9]);
    expect(sparsitiesFor(suite, 'p')).toEqual([0.5, 0.9, 0.9961]);
    expect(sparsitiesFor(suite, 'q')).toEqual([0.5, 0.9, 0.99983]);
    expect(allSparsities(suite)).toEqual([0.5, 0.9, 0.9961, 0.99983]);
    expect(allSparsities({ sparsities: [0.5] })).toEqual([0.5]);
  });

  it("selects methods: 'all' every one, 'score-returning' those whose output is scores, a list itself", () => {
    const manifests = [manifest('a', 'scores'), manifest('b', 'masks'), manifest('c'), manifest('d', 'scores')];
    expect(suiteMethodIds({ methods: 'all' }, manifests)).toEqual(['a', 'b', 'c', 'd']);
    // A manifest without `output` gets no inverted control (plan.ts), so it is not score-returning either.
    expect(suiteMethodIds({ methods: 'score-returning' }, manifests)).toEqual(['a', 'd']);
    expect(suiteMethodIds({ methods: ['d', 'b'] }, manifests)).toEqual(['d', 'b']);
    expect([
      selectsRegisteredMethods({ methods: 'all' }),
      selectsRegisteredMethods({ methods: 'score-returning' }),
      selectsRegisteredMethods({ methods: ['a'] }),
    ]).toEqual([true, true, false]);
    expect(describeSuiteMethods({ methods: 'score-returning' })).toBe('every registered method that returns scores');
    expect(describeSuiteMethods({ methods: ['a', 'b'] })).toBe('a, b');
  });
});
