import { describe, expect, it } from 'vitest';
import { aggregate } from '../aggregate/aggregate.ts';
import { makeRecord } from '../testing/record-factory.ts';
import type { OrderingClaim, ThresholdClaim, ValueClaim } from '../../api/paper-api.ts';
import { evaluateClaim, judge } from './verdict.ts';
import { gapText, measuredText } from './format.ts';

const TASK = 'mnist-lenet300';

/** Dense at 98% and three pruned cells, two seeds each. */
function records() {
  return [0, 1].flatMap((seed) => [
    makeRecord({ task: TASK, method: null, seed, denseAccuracy: 0.98 }),
    makeRecord({ task: TASK, method: 'snip', sparsity: 0.95, seed, accuracy: seed === 0 ? 0.97 : 0.975, denseAccuracy: 0.98 }),
    makeRecord({ task: TASK, method: 'grasp', sparsity: 0.95, seed, accuracy: 0.96, denseAccuracy: 0.98 }),
    makeRecord({ task: TASK, method: 'synflow', sparsity: 0.95, seed, accuracy: 0.965, denseAccuracy: 0.98 }),
  ]);
}

/** SNIP's error increase over dense at 95%, in pp: 98 − (97 + 97.5)/2 = 0.75. */
function errorIncreaseClaim(reported: number, tolerance: number): ValueClaim {
  return {
    id: 'snip-95',
    kind: 'value',
    description: 'SNIP error increase at 95%',
    source: 'test',
    unit: 'pp',
    tolerance,
    reported: { value: reported, text: `${reported} pp` },
    measure: (r) => 100 * (r.denseAccuracy(TASK) - r.accuracy({ task: TASK, method: 'snip', sparsity: 0.95 })),
  };
}

describe('value claims', () => {
  it('inside the tolerance is reproduced, with the signed gap', () => {
    const outcome = evaluateClaim(errorIncreaseClaim(0.7, 0.5), aggregate(records()));
    expect(outcome.measured).toBeCloseTo(0.75, 9);
    expect(outcome.gap).toBeCloseTo(0.05, 9);
    expect(outcome.verdict).toBe('reproduced');
  });

  it('outside the tolerance is not reproduced, and the gap says by how much', () => {
    const outcome = evaluateClaim(errorIncreaseClaim(-0.1, 0.5), aggregate(records()));
    expect(outcome.verdict).toBe('not reproduced');
    expect(outcome.gap).toBeCloseTo(0.85, 9);
    expect(outcome.explanation).toContain('+0.85 pp');
  });

  it('a gap exactly at the tolerance counts as reproduced despite float noise', () => {
    const claim = errorIncreaseClaim(0.25, 0.5);
    expect(judge(claim, 0.75).verdict).toBe('reproduced');
    expect(judge(claim, 0.7500001).verdict).toBe('not reproduced');
    expect(judge(claim, -0.25).verdict).toBe('reproduced');
  });

  it('lists a number used twice once', () => {
    const claim = {
      ...errorIncreaseClaim(0, 1),
      measure: (r: Parameters<ValueClaim['measure']>[0]) => r.denseAccuracy(TASK) - r.denseAccuracy(TASK),
    };
    expect(evaluateClaim(claim, aggregate(records())).used).toHaveLength(1);
  });

  it('records the cells it used with their seeds and intervals', () => {
    const outcome = evaluateClaim(errorIncreaseClaim(0.7, 0.5), aggregate(records()));
    expect(outcome.used.map((u) => [u.method, u.sparsity, u.n])).toEqual([
      [null, 0, 2],
      ['snip', 0.95, 2],
    ]);
    expect(outcome.used[1].interval).not.toBeNull();
  });
});

describe('missing results', () => {
  it('a claim whose cell has no record is not run, names what is missing and has no gap', () => {
    const withoutSnip = records().filter((r) => r.job.method?.id !== 'snip');
    const outcome = evaluateClaim(errorIncreaseClaim(0.7, 0.5), aggregate(withoutSnip));
    expect(outcome.verdict).toBe('not run');
    expect(outcome.gap).toBeNull();
    expect(outcome.measured).toBeNull();
    expect(outcome.missing).toEqual(['mnist-lenet300 snip s=0.95 accuracy: no record']);
  });

  it('a cell with only failed records is not run and says why the runs failed', () => {
    const failedSnip = records().map((r) =>
      r.job.method?.id === 'snip'
        ? makeRecord({ task: TASK, method: 'snip', sparsity: 0.95, seed: r.job.seed, status: 'failed', failureReason: 'loss became NaN' })
        : r,
    );
    const outcome = evaluateClaim(errorIncreaseClaim(0.7, 0.5), aggregate(failedSnip));
    expect(outcome.verdict).toBe('not run');
    expect(outcome.missing[0]).toContain('no ok result');
    expect(outcome.missing[0]).toContain('loss became NaN');
  });

  it('a missing dense reference makes the claim not run', () => {
    const outcome = evaluateClaim(errorIncreaseClaim(0.7, 0.5), aggregate(records().filter((r) => r.job.method !== null)));
    expect(outcome.verdict).toBe('not run');
    expect(outcome.missing).toEqual(['mnist-lenet300 dense accuracy: no record']);
  });

  it('an empty aggregate makes every claim not run', () => {
    expect(evaluateClaim(errorIncreaseClaim(0.7, 0.5), aggregate([])).verdict).toBe('not run');
  });
});

describe('threshold claims', () => {
  const dropBelowDense = (bound: number, direction: 'at-most' | 'at-least', tolerance: number): ThresholdClaim => ({
    id: 'drop',
    kind: 'threshold',
    description: 'largest drop below dense',
    source: 'test',
    unit: 'pp',
    tolerance,
    reported: { bound, direction, text: 'bound' },
    measure: (r) =>
      Math.max(
        ...['snip', 'grasp', 'synflow'].map((method) => 100 * (r.denseAccuracy(TASK) - r.accuracy({ task: TASK, method, sparsity: 0.95 }))),
      ),
  });

  it('at-most: a measured value above bound + tolerance is not reproduced', () => {
    const outcome = evaluateClaim(dropBelowDense(0, 'at-most', 1), aggregate(records()));
    expect(outcome.measured).toBeCloseTo(2, 9);
    expect(outcome.gap).toBeCloseTo(2, 9);
    expect(outcome.verdict).toBe('not reproduced');
  });

  it('at-most: within bound + tolerance is reproduced', () => {
    expect(evaluateClaim(dropBelowDense(0, 'at-most', 2.5), aggregate(records())).verdict).toBe('reproduced');
    expect(evaluateClaim(dropBelowDense(1.5, 'at-most', 0.5), aggregate(records())).verdict).toBe('reproduced');
  });

  it('at-least: below bound − tolerance is not reproduced, above it is', () => {
    expect(evaluateClaim(dropBelowDense(3, 'at-least', 0.5), aggregate(records())).verdict).toBe('not reproduced');
    expect(evaluateClaim(dropBelowDense(2.4, 'at-least', 0.5), aggregate(records())).verdict).toBe('reproduced');
    expect(evaluateClaim(dropBelowDense(1, 'at-least', 0), aggregate(records())).verdict).toBe('reproduced');
  });
});

describe('ordering claims', () => {
  const ordering = (order: string[][], tolerance: number): OrderingClaim => ({
    id: 'order',
    kind: 'ordering',
    description: 'accuracy order at 95%',
    source: 'test',
    unit: 'pp',
    tolerance,
    reported: { order, text: order.map((t) => t.join(', ')).join(' ≥ ') },
    measure: (r) => Object.fromEntries(order.flat().map((method) => [method, 100 * r.accuracy({ task: TASK, method, sparsity: 0.95 })])),
  });

  it('holds when every earlier tier beats every later one; the gap is the smallest margin', () => {
    // snip 97.25, synflow 96.5, grasp 96
    const outcome = evaluateClaim(ordering([['snip'], ['synflow'], ['grasp']], 0), aggregate(records()));
    expect(outcome.verdict).toBe('reproduced');
    expect(outcome.gap).toBeCloseTo(0.5, 9);
  });

  it('a reversed pair is not reproduced, and the explanation names it', () => {
    const outcome = evaluateClaim(ordering([['grasp'], ['snip', 'synflow']], 0.5), aggregate(records()));
    expect(outcome.verdict).toBe('not reproduced');
    expect(outcome.gap).toBeCloseTo(-1.25, 9);
    expect(outcome.explanation).toContain('grasp − snip');
  });

  it('a reversal within the tolerance still counts as reproduced', () => {
    expect(evaluateClaim(ordering([['synflow'], ['snip']], 0.75), aggregate(records())).verdict).toBe('reproduced');
    expect(evaluateClaim(ordering([['synflow'], ['snip']], 0.7), aggregate(records())).verdict).toBe('not reproduced');
  });

  it('entries of one tier are not compared with each other', () => {
    expect(evaluateClaim(ordering([['snip', 'grasp'], ['grasp']], 0), aggregate(records())).verdict).toBe('reproduced');
    expect(evaluateClaim(ordering([['grasp', 'snip'], ['synflow']], 0), aggregate(records())).verdict).toBe('not reproduced');
  });

  it('margins between accuracies in % are stated in percentage points', () => {
    const claim = { ...ordering([['grasp'], ['snip']], 0.5), unit: '%' };
    const outcome = evaluateClaim(claim, aggregate(records()));
    expect(outcome.explanation).toBe('the order is broken: grasp − snip = −1.25 pp, beyond the tolerance of 0.5 pp');
    expect(gapText(claim, outcome.gap)).toBe('−1.25 pp');
    expect(measuredText(claim, outcome.measured)).toBe('grasp 96, snip 97.25 (%)');
  });

  it('a missing entry makes the ordering not run', () => {
    const outcome = evaluateClaim(ordering([['snip'], ['random']], 0), aggregate(records()));
    expect(outcome.verdict).toBe('not run');
    expect(outcome.missing).toEqual(['mnist-lenet300 random s=0.95 accuracy: no record']);
  });

  it('a measure that forgets an entry is a bug, not a verdict', () => {
    const claim = { ...ordering([['snip'], ['grasp']], 0), measure: () => ({ snip: 1 }) };
    expect(() => evaluateClaim(claim, aggregate(records()))).toThrow(/no measured value for 'grasp'/);
  });
});
