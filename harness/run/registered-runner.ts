import { Runner, type RunOptions } from './runner.ts';
import { gitProvenance, prunebenchVersion } from './environment.ts';
import { getTask } from '../registry/suites.ts';

/**
 * A runner for registered tasks, as `run` and `verify` build it: records carry this checkout's
 * provenance and every job gets its task's wall-clock budget.
 */
export async function registeredRunner(opts: Omit<RunOptions, 'provenance' | 'jobBudgetSeconds'>): Promise<Runner> {
  return new Runner({
    ...opts,
    provenance: { prunebenchVersion: prunebenchVersion(), ...(await gitProvenance()) },
    jobBudgetSeconds: (taskId) => getTask(taskId).jobBudgetSeconds,
  });
}
