/**
 * The full-data variants of the paper reproductions whose papers trained on full MNIST (issue #20):
 * han2015, frankle2019 and lee2019 rerun on the standard suite's full-MNIST tasks. tanaka2020 (VGG
 * and ResNet on CIFAR-10/100 and Tiny ImageNet) and fischer2022 (generated planted tasks) did not
 * use MNIST in what is reproduced, so they have none. Each variant keeps its base's methods,
 * sparsities and seeds, so that its dense references (and lee2019's every job) are jobs of the
 * `standard` suite; the texts name the jobs that are not (checked in papers.test.ts).
 */
import { frankle2019 } from './frankle2019.ts';
import { fullDataTask, fullDataVariant } from './full-data.ts';
import { han2015 } from './han2015.ts';
import { lee2019 } from './lee2019.ts';
import { mnistLenet5Small } from './tasks.ts';

/** The paper suites' 10k-subset MNIST tasks → the full-MNIST tasks of the standard suite. */
export const FULL_MNIST_TASKS: Readonly<Record<string, string>> = {
  'mnist-lenet300-small': 'mnist-lenet300',
  [mnistLenet5Small.id]: 'mnist-lenet5-2epochs',
};

const lenet300 = fullDataTask(FULL_MNIST_TASKS['mnist-lenet300-small']);
const lenet5 = fullDataTask(FULL_MNIST_TASKS[mnistLenet5Small.id]);

const seeds = (n: number) => `${n} seed${n === 1 ? '' : 's'}`;

export const han2015Full = fullDataVariant(han2015, {
  tasks: FULL_MNIST_TASKS,
  description: `Han et al. 2015, Table 1, on full MNIST: magnitude pruning with retraining at 12× on LeNet-300-100 (${lenet300.recipe.epochs} epochs + ${lenet300.recipe.fineTuneEpochs} fine-tuning) and LeNet-5 (${lenet5.recipe.epochs} + ${lenet5.recipe.fineTuneEpochs}), ${seeds(han2015.suite.seeds.length)}.`,
  differences:
    "The paper trains Caffe reference models to 1.64% / 0.80% error, prunes each layer with its own threshold (a quality parameter times the layer's weight standard deviation) and iterates prune–retrain. " +
    `Here magnitude-global prunes once with one global threshold and fine-tunes for the task's fine-tuning epochs, after dense training with Adam for ${lenet300.recipe.epochs} epochs (LeNet-300-100) and ${lenet5.recipe.epochs} (LeNet-5, the standard suite's shortened LeNet-5 task, docs/leaderboard.md), ${seeds(han2015.suite.seeds.length)}. ` +
    "The claims compare the pruned network's error with its own dense reference's, as in han2015. " +
    `The dense references are jobs of the standard suite; the ${han2015.suite.tasks.length * han2015.suite.seeds.length} jobs at 12× (magnitude-global at sparsity 1 − 1/12 on both networks) are extra, 12× not being a sparsity of the standard grid.`,
});

export const frankle2019Full = fullDataVariant(frankle2019, {
  tasks: FULL_MNIST_TASKS,
  description: `Frankle & Carbin 2019 (lottery ticket), LeNet-300-100 on full MNIST (${lenet300.recipe.epochs} epochs per round): IMP at Pm = 51.3/21.1/7.0/3.6/1.9% remaining and its reinit control, ${seeds(frankle2019.suite.seeds.length)}.`,
  differences:
    'The training, validation and test sizes, the optimiser, its learning rate and the batch size are those of the paper. ' +
    `What still differs: ${lenet300.recipe.epochs} epochs per round instead of 50,000 iterations (about 55 epochs); accuracy at the best validation epoch, not at the early-stopping iteration the paper plots; ${seeds(frankle2019.suite.seeds.length)} instead of 5 trials. ` +
    `The dense references are jobs of the standard suite; all ${frankle2019.suite.sparsities.length * 2 * frankle2019.suite.seeds.length} IMP jobs (${frankle2019.suite.sparsities.length} sparsities, each with its reinit control) are extra, the paper's Pm not being sparsities of the standard grid. ` +
    "IMP's rounds do not depend on the target sparsity or on the control (docs/protocol.md, IMP trunk): run with the standard run's cache folder (--cache), these jobs start from the imp trunk levels its jobs of the same seeds stored and train only the rounds after them.",
});

export const lee2019Full = fullDataVariant(lee2019, {
  tasks: FULL_MNIST_TASKS,
  description: `Lee et al. 2019 (SNIP), Table 1, on full MNIST: SNIP on LeNet-300-100 (${lenet300.recipe.epochs} epochs) and LeNet-5 (${lenet5.recipe.epochs} epochs) at 95/98/99% sparsity, ${seeds(lee2019.suite.seeds.length)}.`,
  differences:
    'The paper trains with SGD (momentum 0.9, lr 0.1 decayed every 25k iterations, weight decay 5e-4, batch 100) on 90% of the MNIST training set and averages 20 runs per sparsity. ' +
    `Here the tasks' Adam recipe, ${lenet300.recipe.epochs} epochs for LeNet-300-100 and ${lenet5.recipe.epochs} for LeNet-5-Caffe (the standard suite's shortened LeNet-5 task, docs/leaderboard.md), ${seeds(lee2019.suite.seeds.length)}. ` +
    'Every job of the suite (SNIP at 95, 98 and 99% on both networks, and the dense references) is a job of the standard suite, so the leaderboard run answers it with no extra compute. ' +
    'As in lee2019, the grid also holds LeNet-300-100 at 99% and LeNet-5 at 95%, which the table does not report.',
});

export const fullDataVariants = [han2015Full, frankle2019Full, lee2019Full];
