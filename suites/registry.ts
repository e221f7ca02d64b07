/** The task and suite registry of suites/ (the application reaches it through harness/registry/). */
import type { SuiteDefinition, TaskDefinition } from '../api/task-api.ts';
import { imageTasks } from './tasks/image-tasks.ts';
import { plantedTasks } from './tasks/planted-tasks.ts';
import { suites } from './suites.ts';
import { paperSuites } from './papers/index.ts';

let taskList: TaskDefinition[] | null = null;

export function listTasks(): TaskDefinition[] {
  taskList ??= [
    ...imageTasks,
    ...plantedTasks(),
    ...new Map(paperSuites.flatMap((p) => p.tasks ?? []).map((t) => [t.id, t] as const)).values(),
  ];
  return taskList;
}

export function getTask(id: string): TaskDefinition {
  const task = listTasks().find((t) => t.id === id);
  if (!task)
    throw new Error(
      `unknown task '${id}' (known: ${listTasks()
        .map((t) => t.id)
        .join(', ')})`,
    );
  return task;
}

export function listSuites(): SuiteDefinition[] {
  return [...suites, ...paperSuites.map((p) => p.suite)];
}

export function getSuite(id: string): SuiteDefinition {
  const suite = listSuites().find((s) => s.id === id);
  if (!suite)
    throw new Error(
      `unknown suite '${id}' (known: ${listSuites()
        .map((s) => s.id)
        .join(', ')})`,
    );
  return suite;
}
