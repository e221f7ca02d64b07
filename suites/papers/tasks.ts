import { lenet5 } from '../models/architectures.ts';
import { lenetRecipe, shortened } from '../recipes.ts';
import { loadSplits } from '../data/index.ts';
import { imageTaskScale } from '../tasks/image-tasks.ts';
import type { TaskDefinition } from '../../api/task-api.ts';

/**
 * The split seed of the registered image tasks (suites/tasks/image-tasks.ts), so this task trains and
 * tests on exactly the images of mnist-lenet300-small.
 */
const IMAGE_TASK_SPLIT_SEED = 20190506;

/** LeNet-5 on the 10k MNIST subset of mnist-lenet300-small: the LeNet-5 rows of Han et al. 2015 and Lee et al. 2019 at CPU scale. */
export const mnistLenet5Small: TaskDefinition = {
  id: 'mnist-lenet5-small',
  version: '1',
  family: 'mnist',
  description:
    'LeNet-5 (Caffe variant, 20-50-500) on the 10k-sample MNIST subset of mnist-lenet300-small (1k validation, 2k test), 3 epochs: paper reproductions at CPU scale.',
  kind: 'classification',
  architecture: lenet5,
  recipe: shortened(lenetRecipe, 3, 1),
  scale: imageTaskScale('mnist', { validationSize: 1000, trainSubset: 10000, testSubset: 2000 }),
  prunableStatement: 'Every dense weight matrix and convolution kernel; biases are not pruned.',
  groupBy: 'class',
  jobBudgetSeconds: 1800,
  unavailableReason: () => null,
  load: async () => {
    const splits = await loadSplits('mnist', { validationSize: 1000, seed: IMAGE_TASK_SPLIT_SEED, trainSubset: 10000, testSubset: 2000 });
    for (const split of [splits.train, splits.validation, splits.test]) split.inputShape = lenet5.inputShape;
    return { splits };
  },
};
