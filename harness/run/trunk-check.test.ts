import { describe, expect, it } from 'vitest';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { TrunkLevel } from '../prune/trunk-level.ts';
import { checkTrunkLevel } from './trunk-check.ts';
import type { JobTrunkPlan } from './trunk-plan.ts';

// 2 → 2 → 1: fc1/kernel 4 weights, fc2/kernel 2.
const architecture: ArchitectureSpec = {
  id: 'tiny',
  inputShape: [2],
  layers: [
    { kind: 'dense', name: 'fc1', units: 2, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 1, activation: 'linear' },
  ],
};
const plan: JobTrunkPlan = {
  levels: [
    [3, 2],
    [2, 1],
  ],
  scope: 'layerwise',
  branchLevel: 1,
};

function level(overrides: Partial<TrunkLevel> = {}): TrunkLevel {
  return {
    level: 1,
    weights: {
      'fc1/kernel': Float32Array.from([0.5, 0, -0.2, 0.1]),
      'fc1/bias': new Float32Array(2),
      'fc2/kernel': Float32Array.from([0.3, -0.4]),
      'fc2/bias': new Float32Array(1),
    },
    masks: { 'fc1/kernel': Float32Array.from([1, 0, 1, 1]), 'fc2/kernel': Float32Array.from([1, 1]) },
    checkpoints: {},
    counters: { trainCalls: 1, batchStreams: 0 },
    arrays: { survival: new Float32Array(6) },
    ...overrides,
  };
}
const first = { level: 0, masks: null };

describe('checkTrunkLevel', () => {
  it('accepts a level with the schedule counts, binary masks and zero pruned weights', () => {
    expect(() => checkTrunkLevel(level(), plan, architecture, first)).not.toThrow();
  });

  it('refuses masks that are not binary, counts off the schedule, levels out of order or past the plan', () => {
    expect(() =>
      checkTrunkLevel(
        level({ masks: { 'fc1/kernel': Float32Array.from([1, 0, 1, 0.5]), 'fc2/kernel': Float32Array.from([1, 1]) } }),
        plan,
        architecture,
        first,
      ),
    ).toThrow(/not binary/);
    const fewer = {
      masks: { 'fc1/kernel': Float32Array.from([1, 0, 1, 1]), 'fc2/kernel': Float32Array.from([1, 0]) },
      weights: { ...level().weights, 'fc2/kernel': Float32Array.from([0.3, 0]) },
    };
    expect(() => checkTrunkLevel(level(fewer), plan, architecture, first)).toThrow(/keeps 3, 1 weights where the schedule keeps 3, 2/);
    expect(() => checkTrunkLevel(level({ level: 2 }), plan, architecture, first)).toThrow(/does not follow level 0/);
    expect(() => checkTrunkLevel(level({ level: 3 }), plan, architecture, { level: 2, masks: null })).toThrow(
      /past this job's 2 full rounds/,
    );
  });

  it('refuses a pruned weight that is not 0, a weight revived after an earlier level removed it, and non-finite arrays', () => {
    const weights = { ...level().weights, 'fc1/kernel': Float32Array.from([0.5, 0.7, -0.2, 0.1]) };
    expect(() => checkTrunkLevel(level({ weights }), plan, architecture, first)).toThrow(/weight 1 of 'fc1\/kernel' is pruned but not 0/);
    const second = level({
      level: 2,
      masks: { 'fc1/kernel': Float32Array.from([0, 1, 0, 1]), 'fc2/kernel': Float32Array.from([1, 0]) },
      weights: { ...level().weights, 'fc1/kernel': Float32Array.from([0, 0.2, 0, 0.1]), 'fc2/kernel': Float32Array.from([0.3, 0]) },
    });
    expect(() => checkTrunkLevel(second, plan, architecture, { level: 1, masks: level().masks })).toThrow(
      /keeps weight 1, which level 1 removed/,
    );
    expect(() => checkTrunkLevel(level({ arrays: { survival: Float32Array.from([NaN]) } }), plan, architecture, first)).toThrow(/finite/);
  });
});
