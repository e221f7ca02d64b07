import { conv4, lenet300100, lenet5 } from '../models/architectures.ts';
import { conv4Recipe, lenetRecipe, shortened } from '../recipes.ts';
import { loadSplits, cifar10Unavailable } from '../data/index.ts';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { TrainingRecipe } from '../../engine/recipe.ts';
import type { TaskDefinition, TaskFamily, TaskScale } from '../../api/task-api.ts';

/** The train/validation split is fixed for a task (this seed), independent of the job seed. */
const SPLIT_SEED = 20190506;

interface ImageTaskOptions {
  id: string;
  version: string;
  family: Exclude<TaskFamily, 'planted'>;
  dataset: 'mnist' | 'fashion-mnist' | 'cifar10';
  architecture: ArchitectureSpec;
  recipe: TrainingRecipe;
  validationSize: number;
  trainSubset?: number;
  testSubset?: number;
  description: string;
  jobBudgetSeconds: number;
}

/** Official train / test sizes of the datasets. */
const officialSizes = {
  mnist: { train: 60000, test: 10000, name: 'MNIST' },
  'fashion-mnist': { train: 60000, test: 10000, name: 'Fashion-MNIST' },
  cifar10: { train: 50000, test: 10000, name: 'CIFAR-10' },
} as const;

/** The sizes loadSplits produces: validation carved from the official training set, then the optional subsets. */
export function imageTaskScale(
  dataset: keyof typeof officialSizes,
  o: { validationSize: number; trainSubset?: number; testSubset?: number },
): TaskScale {
  const sizes = officialSizes[dataset];
  return {
    train: o.trainSubset ?? sizes.train - o.validationSize,
    validation: o.validationSize,
    test: o.testSubset ?? sizes.test,
    unit: 'images',
    source: sizes.name,
  };
}

function imageTask(o: ImageTaskOptions): TaskDefinition {
  const reshape = (shape: number[]) => (o.architecture.inputShape.length === 3 ? o.architecture.inputShape : shape);
  return {
    id: o.id,
    version: o.version,
    family: o.family,
    description: o.description,
    kind: 'classification',
    architecture: o.architecture,
    recipe: o.recipe,
    scale: imageTaskScale(o.dataset, o),
    prunableStatement: 'Every dense weight matrix and convolution kernel; biases are not pruned.',
    groupBy: 'class',
    jobBudgetSeconds: o.jobBudgetSeconds,
    unavailableReason: () => (o.dataset === 'cifar10' ? cifar10Unavailable() : null),
    load: async () => {
      const splits = await loadSplits(o.dataset, {
        validationSize: o.validationSize,
        seed: SPLIT_SEED,
        trainSubset: o.trainSubset,
        testSubset: o.testSubset,
      });
      for (const split of [splits.train, splits.validation, splits.test]) split.inputShape = reshape(split.inputShape);
      return { splits };
    },
  };
}

const PAPER_NOTE = 'Official test set; validation carved from the official training set (fixed seed, stratified).';

export const imageTasks: TaskDefinition[] = [
  imageTask({
    id: 'mnist-lenet300',
    version: '1',
    family: 'mnist',
    dataset: 'mnist',
    architecture: lenet300100,
    recipe: lenetRecipe,
    validationSize: 5000,
    description: `LeNet-300-100 on MNIST. ${PAPER_NOTE}`,
    jobBudgetSeconds: 3600,
  }),
  imageTask({
    id: 'mnist-lenet5',
    version: '1',
    family: 'mnist',
    dataset: 'mnist',
    architecture: lenet5,
    recipe: lenetRecipe,
    validationSize: 5000,
    description: `LeNet-5 (Caffe variant, 20-50-500) on MNIST. ${PAPER_NOTE}`,
    jobBudgetSeconds: 7200,
  }),
  imageTask({
    id: 'fashion-lenet300',
    version: '1',
    family: 'fashion-mnist',
    dataset: 'fashion-mnist',
    architecture: lenet300100,
    recipe: lenetRecipe,
    validationSize: 5000,
    description: 'LeNet-300-100 on Fashion-MNIST (see docs/data.md for the split).',
    jobBudgetSeconds: 3600,
  }),
  imageTask({
    id: 'fashion-lenet5',
    version: '1',
    family: 'fashion-mnist',
    dataset: 'fashion-mnist',
    architecture: lenet5,
    recipe: lenetRecipe,
    validationSize: 5000,
    description: 'LeNet-5 on Fashion-MNIST (see docs/data.md for the split).',
    jobBudgetSeconds: 7200,
  }),
  imageTask({
    id: 'cifar10-conv4',
    version: '1',
    family: 'cifar10',
    dataset: 'cifar10',
    architecture: conv4,
    recipe: conv4Recipe,
    validationSize: 5000,
    description: 'Conv-4 on CIFAR-10 (official binary files from PRUNEBENCH_DATA_DIR).',
    jobBudgetSeconds: 14400,
  }),
  imageTask({
    id: 'mnist-lenet5-2epochs',
    version: '1',
    family: 'mnist',
    dataset: 'mnist',
    architecture: lenet5,
    recipe: shortened(lenetRecipe, 2, 1),
    validationSize: 5000,
    description: `LeNet-5 (Caffe variant, 20-50-500) on full MNIST, 2 training epochs and 1 fine-tuning epoch: the standard suite's LeNet-5, sized to fit the grid on a CPU (docs/leaderboard.md). ${PAPER_NOTE}`,
    jobBudgetSeconds: 7200,
  }),
  imageTask({
    id: 'fashion-lenet5-2epochs',
    version: '1',
    family: 'fashion-mnist',
    dataset: 'fashion-mnist',
    architecture: lenet5,
    recipe: shortened(lenetRecipe, 2, 1),
    validationSize: 5000,
    description:
      "LeNet-5 on full Fashion-MNIST, 2 training epochs and 1 fine-tuning epoch: the structured suite's Fashion-MNIST LeNet-5, at the recipe of the standard suite's `mnist-lenet5-2epochs` (see docs/data.md for the split).",
    jobBudgetSeconds: 7200,
  }),
  imageTask({
    id: 'mnist-lenet300-small',
    version: '1',
    family: 'mnist',
    dataset: 'mnist',
    architecture: lenet300100,
    recipe: shortened(lenetRecipe, 3, 1),
    validationSize: 1000,
    trainSubset: 10000,
    testSubset: 2000,
    description: 'LeNet-300-100 on a 10k-sample MNIST subset, 3 epochs: the quick suite.',
    jobBudgetSeconds: 900,
  }),
  imageTask({
    id: 'mnist-lenet300-tiny',
    version: '1',
    family: 'mnist',
    dataset: 'mnist',
    architecture: lenet300100,
    recipe: shortened(lenetRecipe, 1, 1),
    validationSize: 300,
    trainSubset: 1500,
    testSubset: 500,
    description: 'LeNet-300-100 on a 1.5k-sample MNIST subset, 1 epoch: the smoke suite (tests and CI).',
    jobBudgetSeconds: 300,
  }),
];
