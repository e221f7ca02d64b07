/** The task and suite registry: the only door from the harness into suites/ and planted/. */
import type { SuiteDefinition, TaskDefinition } from '../harness/task-api.ts';
import { imageTasks } from './tasks/image-tasks.ts';
import { plantedTasks } from './tasks/planted-tasks.ts';
import { suites } from './suites.ts';
import { paperSuites } from './papers/index.ts';
import { leaderboardSuiteOf } from '../harness/aggregate/scope.ts';
import { sparsitiesFor } from '../harness/jobs/suite-grid.ts';

let taskList: TaskDefinition[] | null = null;

export function listTasks(): TaskDefinition[] {
  taskList ??= [...imageTasks, ...plantedTasks(), ...new Map(paperSuites.flatMap((p) => p.tasks ?? []).map((t) => [t.id, t] as const)).values()];
  return taskList;
}

export function getTask(id: string): TaskDefinition {
  const task = listTasks().find((t) => t.id === id);
  if (!task) throw new Error(`unknown task '${id}' (known: ${listTasks().map((t) => t.id).join(', ')})`);
  return task;
}

export function listSuites(): SuiteDefinition[] {
  return [...suites, ...paperSuites.map((p) => p.suite)];
}

export function getSuite(id: string): SuiteDefinition {
  const suite = listSuites().find((s) => s.id === id);
  if (!suite) throw new Error(`unknown suite '${id}' (known: ${listSuites().map((s) => s.id).join(', ')})`);
  return suite;
}

/**
 * The sparsities a task is ranked over on the leaderboard: those of the standard suite when it
 * includes the task, else of the first other suite that runs every method on it; undefined for
 * tasks no such suite covers (the site then ranks over every sparsity the task's records have).
 * Records at other sparsities (paper reproductions, quick runs) are shown but not scored.
 */
export function leaderboardGrid(taskId: string): number[] | undefined {
  const suite = leaderboardSuiteOf(taskId, listSuites());
  return suite ? sparsitiesFor(suite, taskId) : undefined;
}
