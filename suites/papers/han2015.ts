import type { ResultLookup } from '../../api/paper-api.ts';
import { mnistLenet5Small } from './tasks.ts';
import type { PaperSuite } from '../../api/paper-api.ts';

const LENET300 = 'mnist-lenet300-small';
const LENET5 = mnistLenet5Small.id;

/** 12× compression, as Table 1 reports for both LeNets: 1 − 1/12 of the weights removed. */
export const TWELVE_TIMES = 1 - 1 / 12;

/** Test error of magnitude pruning at 12× minus the dense test error, in percentage points. */
function errorIncrease(r: ResultLookup, task: string): number {
  const denseError = 100 * (1 - r.denseAccuracy(task));
  const prunedError = 100 * (1 - r.accuracy({ task, method: 'magnitude-global', sparsity: TWELVE_TIMES }));
  return prunedError - denseError;
}

export const han2015: PaperSuite = {
  paper: {
    id: 'han2015',
    title: 'Learning both Weights and Connections for Efficient Neural Networks',
    authors: 'Song Han, Jeff Pool, John Tran, William J. Dally',
    year: 2015,
    url: 'https://arxiv.org/abs/1506.02626',
    table: 'Table 1 (LeNet-300-100 and LeNet-5 rows)',
  },
  setting:
    "Magnitude pruning of a trained network followed by retraining with the mask fixed, on LeNet-300-100 and LeNet-5 (Caffe variant, 20-50-500) on MNIST, at 12× compression (sparsity 1 − 1/12 ≈ 91.67%), compared with the dense network's test error.",
  scaledDown:
    "The paper trains Caffe reference models to 1.64% / 0.80% error, prunes each layer with its own threshold (a quality parameter times the layer's weight standard deviation) and iterates prune–retrain. " +
    'Here magnitude-global prunes once with one global threshold, then fine-tunes for 1 epoch; the dense networks train for 3 epochs with Adam on a stratified 10,000-image MNIST subset (tasks mnist-lenet300-small and mnist-lenet5-small, 2,000 test images), 3 seeds. ' +
    "Absolute errors are therefore higher than the paper's; the claims compare the error of the pruned network with the error of its own dense reference. About 7 minutes with 2 workers on a shared 2-core machine.",
  suite: {
    id: 'paper-han2015',
    version: '1',
    description:
      'Han et al. 2015, Table 1: magnitude pruning with retraining at 12× on LeNet-300-100 and LeNet-5 (10k MNIST subset, 3 epochs + 1 fine-tuning epoch), 3 seeds.',
    tasks: [LENET300, LENET5],
    methods: ['magnitude-global'],
    sparsities: [TWELVE_TIMES],
    seeds: [0, 1, 2],
  },
  tasks: [mnistLenet5Small],
  claims: [
    {
      id: 'lenet300-no-loss-at-12x',
      kind: 'threshold',
      description:
        'LeNet-300-100 pruned to 12× compression and retrained has no higher test error than the dense network (pruned error − dense error).',
      source:
        'Table 1, "Network pruning can save 9× to 13× parameters with no drop in predictive performance": LeNet-300-100 Ref 1.64% top-1 error, 267K parameters; Pruned 1.59%, 22K, 12×.',
      unit: 'pp',
      tolerance: 0.3,
      reported: {
        bound: 0,
        direction: 'at-most',
        text: 'error 1.64% → 1.59% at 12× (−0.05 pp): no increase',
        paperNumbers: { denseError: 1.64, prunedError: 1.59, compression: 12 },
      },
      measure: (r) => errorIncrease(r, LENET300),
    },
    {
      id: 'lenet5-no-loss-at-12x',
      kind: 'threshold',
      description:
        'LeNet-5 pruned to 12× compression and retrained has no higher test error than the dense network (pruned error − dense error).',
      source:
        'Table 1, "Network pruning can save 9× to 13× parameters with no drop in predictive performance": LeNet-5 Ref 0.80% top-1 error, 431K parameters; Pruned 0.77%, 36K, 12×.',
      unit: 'pp',
      tolerance: 0.3,
      reported: {
        bound: 0,
        direction: 'at-most',
        text: 'error 0.80% → 0.77% at 12× (−0.03 pp): no increase',
        paperNumbers: { denseError: 0.8, prunedError: 0.77, compression: 12 },
      },
      measure: (r) => errorIncrease(r, LENET5),
    },
  ],
};
