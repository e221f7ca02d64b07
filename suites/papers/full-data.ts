/**
 * Full-data variants of paper reproductions (issue #20), by include-and-override: a variant takes
 * its base PaperSuite whole (paper, setting, grid, every claim) and overrides only what changes —
 * the paper id (`<id>-full`), the suite id and description, the tasks (each base task replaced by
 * a registered full-data task) and the `scaledDown` text, whose task scales are written from the
 * task definitions. Each claim keeps its own `measure`, answered on the replacing tasks. The grid
 * (methods, sparsities, seeds, controls) and so the suite version are the base's.
 */
import type { Claim, PaperSuite, ResultLookup } from '../../api/paper-api.ts';
import type { SuiteDefinition, TaskDefinition } from '../../api/task-api.ts';
import { imageTasks } from '../tasks/image-tasks.ts';
import { lookupOnMappedTasks } from './mapped-lookup.ts';

export const FULL_DATA_SUFFIX = '-full';

export interface FullDataOverrides {
  /**
   * Base task id → the full-data task that replaces it (a registered image task). Must cover every
   * task of the base suite; ids of tasks the base suite does not run are ignored, so one map can
   * serve several papers.
   */
  tasks: Readonly<Record<string, string>>;
  /** The variant suite's description (`prunebench list suites`). */
  description: string;
  /**
   * What still differs from the paper on the full-data tasks (optimiser, epochs, seeds…) and which
   * jobs the standard suite does not share; the tasks' scales are prepended from their definitions.
   */
  differences: string;
}

/** A registered image task by id, with a clear error for any other id. */
export function fullDataTask(id: string): TaskDefinition {
  const task = imageTasks.find((t) => t.id === id);
  if (!task) throw new Error(`'${id}' is not a registered image task (known: ${imageTasks.map((t) => t.id).join(', ')})`);
  return task;
}

const count = (n: number) => n.toLocaleString('en-US');

const learningRate = (lr: number) => (lr >= 0.01 ? String(lr) : lr.toExponential());

const optimizerName = { adam: 'Adam', sgd: 'SGD', momentum: 'SGD with momentum' } as const;

/** "mnist-lenet300: 55,000 training, 5,000 validation and 10,000 test images of MNIST; Adam, lr 1.2e-3, …". */
export function taskScaleSentence(task: TaskDefinition): string {
  if (!task.scale) throw new Error(`task '${task.id}' states no scale`);
  const { scale, recipe } = task;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    `${task.id}: ${count(scale.train)} training, ${count(scale.validation)} validation and ${count(scale.test)} test ${scale.unit} of ${scale.source}; ` +
    `${optimizerName[recipe.optimizer]}, lr ${learningRate(recipe.learningRate)}, batch ${recipe.batchSize}, ${plural(recipe.epochs, 'epoch')}` +
    `${recipe.selectBestEpoch ? ' (best validation epoch kept)' : ''}, ${plural(recipe.fineTuneEpochs, 'fine-tuning epoch')} after one-shot pruning`
  );
}

function remapKeys<T>(byTask: Record<string, T>, taskFor: (id: string) => string): Record<string, T> {
  return Object.fromEntries(Object.entries(byTask).map(([task, value]) => [taskFor(task), value]));
}

/** The same claim, its `measure` asking the lookup `on` gives for the results it is handed. */
function measuredThrough(claim: Claim, on: (results: ResultLookup) => ResultLookup): Claim {
  switch (claim.kind) {
    case 'value':
    case 'threshold':
      return { ...claim, measure: (results) => claim.measure(on(results)) };
    case 'ordering':
      return { ...claim, measure: (results) => claim.measure(on(results)) };
  }
}

/** The full-data variant of a paper reproduction: see the module comment. */
export function fullDataVariant(base: PaperSuite, overrides: FullDataOverrides): PaperSuite {
  const id = `${base.paper.id}${FULL_DATA_SUFFIX}`;
  const where = `full-data variant '${id}' of suite '${base.suite.id}'`;
  const unmapped = base.suite.tasks.filter((t) => !Object.hasOwn(overrides.tasks, t));
  if (unmapped.length) throw new Error(`${where}: no full-data task for ${unmapped.join(', ')}`);
  const taskFor = (baseTask: string): string => {
    if (!base.suite.tasks.includes(baseTask))
      throw new Error(`${where}: asked for task '${baseTask}', which the base suite does not run (it runs ${base.suite.tasks.join(', ')})`);
    return overrides.tasks[baseTask];
  };
  const tasks = base.suite.tasks.map(taskFor);
  if (new Set(tasks).size !== tasks.length) throw new Error(`${where}: two base tasks map to the same task (${tasks.join(', ')})`);
  const definitions = tasks.map(fullDataTask);

  const suite: SuiteDefinition = {
    ...base.suite,
    id: `paper-${id}`,
    description: overrides.description,
    tasks,
    ...(base.suite.taskSparsities ? { taskSparsities: remapKeys(base.suite.taskSparsities, taskFor) } : {}),
    ...(base.suite.taskStructures ? { taskStructures: remapKeys(base.suite.taskStructures, taskFor) } : {}),
  };
  return {
    paper: { ...base.paper, id },
    setting: base.setting,
    scaledDown: `Full-data tasks — ${definitions.map(taskScaleSentence).join('; ')}. ${overrides.differences}`,
    suite,
    claims: base.claims.map((claim) => measuredThrough(claim, (results) => lookupOnMappedTasks(results, taskFor))),
  };
}
