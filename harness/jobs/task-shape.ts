import type { TaskDefinition } from '../../api/task-api.ts';
import type { TaskShape } from './run-plan.ts';

/**
 * What a job of the task costs depends on: its network, recipe, kind and data sizes. Tasks equal
 * in all of them (planted Circle at another label noise) cost the same per job, so `run --plan`
 * estimates one from the other's records. A task without a stated scale has no shape.
 */
export function shapeOfTasks(tasks: readonly TaskDefinition[]): TaskShape {
  const shapes = new Map(
    tasks.map((t) => [
      t.id,
      t.scale
        ? JSON.stringify({
            kind: t.kind,
            architecture: t.architecture,
            recipe: t.recipe,
            sizes: [t.scale.train, t.scale.validation, t.scale.test],
          })
        : null,
    ]),
  );
  return (taskId) => shapes.get(taskId) ?? null;
}
