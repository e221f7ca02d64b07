import { describe, expect, it } from 'vitest';
import { getSuite, getTask, listSuites, listTasks } from './registry.ts';
import { leaderboardSuiteOf } from '../harness/aggregate/scope.ts';
import { sparsitiesFor } from '../harness/jobs/suite-grid.ts';

/** The sparsities the leaderboard ranks a task over (site/scope.ts). */
const leaderboardGrid = (taskId: string) => {
  const suite = leaderboardSuiteOf(taskId, listSuites());
  return suite ? sparsitiesFor(suite, taskId) : undefined;
};

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
    // A planted task's grid adds its ticket's own density.
    expect(leaderboardGrid('planted-circle-d5-w100')).toEqual([...standard.sparsities, 0.9961]);
    expect(leaderboardGrid('planted-circle-d3-w100')).toEqual([...getSuite('planted-variants').sparsities, 0.9883]);
    expect(leaderboardGrid('mnist-lenet300-small')).toEqual(getSuite('lenet300-methods').sparsities);
    // Smoke tasks are in no all-method suite: the grid then comes from the records.
    expect(leaderboardGrid(getSuite('smoke').tasks[0])).toBeUndefined();
  });

  it("states every task's scale, and the stated sizes are the sizes load() gives", async () => {
    for (const task of listTasks()) expect(task.scale, task.id).toBeDefined();
    expect(getTask('mnist-lenet300-small').scale).toEqual({ train: 10000, validation: 1000, test: 2000, unit: 'images', source: 'MNIST' });
    expect(getTask('mnist-lenet300').scale).toMatchObject({ train: 55000, validation: 5000, test: 10000 });
    for (const id of ['mnist-lenet300-tiny', 'planted-circle-tiny']) {
      const task = getTask(id);
      const { splits } = await task.load(0);
      expect({ train: splits.train.n, validation: splits.validation.n, test: splits.test.n }, id).toEqual({
        train: task.scale!.train,
        validation: task.scale!.validation,
        test: task.scale!.test,
      });
    }
  });
});
