/** How large a task is, in words: stated on every task page, suite page and on the home page. */
import type { TaskDefinition } from '../../api/task-api.ts';
import { formatInteger, formatNumber, MISSING } from '../../harness/report/format.ts';

export interface TaskScaleText {
  /** "10,000 MNIST images" */
  train: string;
  validation: string;
  test: string;
  /** "3 epochs (fine-tuning 1)" */
  epochs: string;
  /** "Adam, lr 1.2e-3, batch 60, constant schedule, best validation epoch" */
  recipe: string;
  /** One line with all of the above. */
  summary: string;
}

function count(n: number, unit: string, source?: string): string {
  return `${formatInteger(n)}${source ? ` ${source}` : ''} ${n === 1 ? unit.replace(/s$/, '') : unit}`;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${formatInteger(n)} ${n === 1 ? word : pluralWord}`;
}

function learningRate(lr: number): string {
  return lr >= 0.01 ? formatNumber(lr, 2) : lr.toExponential(1);
}

export function taskScaleText(def: TaskDefinition | undefined): TaskScaleText | null {
  if (!def?.scale) return null;
  const { scale, recipe } = def;
  const optimizer =
    recipe.optimizer === 'adam' ? 'Adam' : recipe.optimizer === 'momentum' ? `SGD with momentum ${recipe.momentum ?? 0.9}` : 'SGD';
  const schedule =
    recipe.schedule.kind === 'constant'
      ? 'constant rate'
      : recipe.schedule.kind === 'cosine'
        ? 'cosine schedule'
        : `step schedule at epochs ${recipe.schedule.milestones.join(', ')}`;
  const recipeText = [
    `${optimizer}, lr ${learningRate(recipe.learningRate)}`,
    `batch ${recipe.batchSize}`,
    schedule,
    ...(recipe.weightDecay ? [`weight decay ${recipe.weightDecay}`] : []),
    ...(recipe.selectBestEpoch ? ['best validation epoch kept'] : []),
  ].join(', ');
  const epochs = `${plural(recipe.epochs, 'epoch')} (fine-tuning after one-shot pruning: ${plural(recipe.fineTuneEpochs, 'epoch')})`;
  const train = count(scale.train, scale.unit, scale.source);
  const validation = count(scale.validation, scale.unit);
  const test = count(scale.test, scale.unit);
  return {
    train,
    validation,
    test,
    epochs,
    recipe: recipeText,
    summary: `${train} to train, ${validation} validation, ${test} test; ${plural(recipe.epochs, 'epoch')}`,
  };
}

export function scaleFacts(def: TaskDefinition | undefined): Array<{ label: string; value: string }> {
  const text = taskScaleText(def);
  if (!text) return [{ label: 'Scale', value: `${MISSING} (not a registered task)` }];
  return [
    { label: 'Training set', value: text.train },
    { label: 'Validation set', value: text.validation },
    { label: 'Test set', value: text.test },
    { label: 'Epochs', value: text.epochs },
    { label: 'Recipe', value: text.recipe },
  ];
}
