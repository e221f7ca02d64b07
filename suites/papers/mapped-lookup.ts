import type { ResultLookup } from '../../api/paper-api.ts';

/**
 * A ResultLookup that answers questions about one task from the results of another: a claim
 * written for the base suite's task ids (e.g. mnist-lenet300-small) measures on the task that
 * replaces it (e.g. mnist-lenet300). Everything else about the question is passed on unchanged.
 */
export function lookupOnMappedTasks(results: ResultLookup, taskFor: (baseTask: string) => string): ResultLookup {
  return {
    cell: (ref, metric) => results.cell({ ...ref, task: taskFor(ref.task) }, metric),
    accuracy: (ref) => results.accuracy({ ...ref, task: taskFor(ref.task) }),
    denseAccuracy: (taskId) => results.denseAccuracy(taskFor(taskId)),
    plantedScore: (taskId) => results.plantedScore(taskFor(taskId)),
  };
}
