import { describe, expect, it } from 'vitest';
import { getSuite, leaderboardGrid, listSuites, listTasks } from './registry.ts';

describe('suite registry', () => {
  it('has unique task and suite ids, and every suite names registered tasks', () => {
    const taskIds = listTasks().map((t) => t.id);
    expect(new Set(taskIds).size).toBe(taskIds.length);
    const suiteIds = listSuites().map((s) => s.id);
    expect(new Set(suiteIds).size).toBe(suiteIds.length);
    for (const suite of listSuites()) for (const task of suite.tasks) expect(taskIds).toContain(task);
  });

  it('ranks a task over its leaderboard suite: standard first, else a suite that runs every method on it', () => {
    const standard = getSuite('standard');
    expect(leaderboardGrid(standard.tasks[0])).toEqual(standard.sparsities);
    expect(leaderboardGrid('mnist-lenet300-small')).toEqual(getSuite('lenet300-methods').sparsities);
    // Smoke tasks are in no all-method suite: the grid then comes from the records.
    expect(leaderboardGrid(getSuite('smoke').tasks[0])).toBeUndefined();
  });
});
