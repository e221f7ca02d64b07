/**
 * What a suite's grid is, read the same way by the planner, the ranking, the site and releases:
 * which methods a suite selects, and which sparsities each of its tasks runs at.
 */
import type { MethodManifest } from '../../api/method-api.ts';
import type { SuiteDefinition } from '../../api/task-api.ts';

/** A suite's sparsities for one task: the shared grid, then the task's own additions (e.g. a planted ticket's density). */
export function sparsitiesFor(suite: Pick<SuiteDefinition, 'sparsities' | 'taskSparsities'>, taskId: string): number[] {
  const extra = (suite.taskSparsities?.[taskId] ?? []).filter((s) => !suite.sparsities.includes(s));
  return [...suite.sparsities, ...extra];
}

/** Every sparsity some task of the suite runs at, the shared grid first. */
export function allSparsities(suite: Pick<SuiteDefinition, 'sparsities' | 'taskSparsities'>): number[] {
  const extra = Object.values(suite.taskSparsities ?? {}).flat();
  return [...new Set([...suite.sparsities, ...extra])];
}

/** Whether the suite's methods are a selection over the registered methods (so its grid grows when a method is added). */
export function selectsRegisteredMethods(suite: Pick<SuiteDefinition, 'methods'>): boolean {
  return !Array.isArray(suite.methods);
}

/** The method ids a suite runs, in registry order for the selectors. */
export function suiteMethodIds(suite: Pick<SuiteDefinition, 'methods'>, manifests: readonly MethodManifest[]): string[] {
  if (suite.methods === 'all') return manifests.map((m) => m.id);
  if (suite.methods === 'score-returning') return manifests.filter((m) => m.output === 'scores').map((m) => m.id);
  return [...suite.methods];
}

/** The suite's method selection in words. */
export function describeSuiteMethods(suite: Pick<SuiteDefinition, 'methods'>): string {
  if (suite.methods === 'all') return 'every registered method';
  if (suite.methods === 'score-returning') return 'every registered method that returns scores';
  return suite.methods.join(', ');
}
