import type { ResultLookup } from '../../api/paper-api.ts';
import { mnistLenet5Small } from './tasks.ts';
import type { PaperSuite, ValueClaim } from '../../api/paper-api.ts';

const LENET300 = 'mnist-lenet300-small';
const LENET5 = mnistLenet5Small.id;

/** Test error of SNIP at `sparsity` minus the dense test error, in percentage points. */
function errorIncrease(r: ResultLookup, task: string, sparsity: number): number {
  const denseError = 100 * (1 - r.denseAccuracy(task));
  const snipError = 100 * (1 - r.accuracy({ task, method: 'snip', sparsity }));
  return snipError - denseError;
}

interface TableCell {
  network: 'LeNet-300-100' | 'LeNet-5-Caffe';
  task: string;
  sparsity: number;
  referenceError: number;
  snipError: number;
}

/** Table 1 of the paper (ICLR 2019), the two SNIP rows and the reference row. */
const TABLE_1: TableCell[] = [
  { network: 'LeNet-300-100', task: LENET300, sparsity: 0.95, referenceError: 1.7, snipError: 1.6 },
  { network: 'LeNet-300-100', task: LENET300, sparsity: 0.98, referenceError: 1.7, snipError: 2.4 },
  { network: 'LeNet-5-Caffe', task: LENET5, sparsity: 0.98, referenceError: 0.9, snipError: 0.8 },
  { network: 'LeNet-5-Caffe', task: LENET5, sparsity: 0.99, referenceError: 0.9, snipError: 1.1 },
];

function claimFor(cell: TableCell): ValueClaim {
  const increase = Number((cell.snipError - cell.referenceError).toFixed(2));
  const percentSparse = Math.round(cell.sparsity * 100);
  return {
    id: `${cell.network === 'LeNet-300-100' ? 'lenet300' : 'lenet5'}-error-at-${percentSparse}`,
    kind: 'value',
    description: `${cell.network} pruned by SNIP at initialisation to ${percentSparse}% sparsity and trained: test error minus the dense reference's test error.`,
    source: `Table 1 ("Pruning results on LeNets and comparisons to other approaches"), ${cell.network}: Ref. err. ${cell.referenceError}%; SNIP (ours) κ̄ = ${percentSparse}.0%, err. ${cell.snipError}%.`,
    unit: 'pp',
    tolerance: 0.5,
    reported: {
      value: increase,
      text: `error ${cell.referenceError}% → ${cell.snipError}% at ${percentSparse}% sparsity (${increase >= 0 ? '+' : '−'}${Math.abs(increase)} pp)`,
      paperNumbers: { referenceError: cell.referenceError, snipError: cell.snipError, sparsityPercent: percentSparse },
    },
    measure: (r) => errorIncrease(r, cell.task, cell.sparsity),
  };
}

export const lee2019: PaperSuite = {
  paper: {
    id: 'lee2019',
    title: 'SNIP: Single-shot Network Pruning based on Connection Sensitivity',
    authors: 'Namhoon Lee, Thalaiyasingam Ajanthan, Philip H. S. Torr',
    year: 2019,
    url: 'https://arxiv.org/abs/1810.02340',
    table: 'Table 1 (ICLR 2019 version; SNIP rows for LeNet-300-100 and LeNet-5-Caffe)',
  },
  setting:
    'SNIP (connection sensitivity |g ⊙ θ| on one mini-batch of 100 training images at initialisation, global) on LeNet-300-100 at 95% and 98% sparsity and LeNet-5-Caffe at 98% and 99% sparsity on MNIST; the pruned network is trained from its initial weights and its test error is compared with the dense reference.',
  scaledDown:
    'The paper trains with SGD (momentum 0.9, lr 0.1 decayed every 25k iterations, weight decay 5e-4, batch 100) on 90% of the MNIST training set and averages 20 runs per sparsity. ' +
    'Here both networks train for 3 epochs with Adam (lr 1.2e-3, batch 60) on a stratified 10,000-image subset (tasks mnist-lenet300-small and mnist-lenet5-small, 2,000 test images), 3 seeds. ' +
    'The suite is a grid, so it also runs LeNet-300-100 at 99% and LeNet-5 at 95%, which the table does not report. About 12 minutes with 2 workers on a shared 2-core machine, most of it LeNet-5.',
  suite: {
    id: 'paper-lee2019',
    version: '1',
    description:
      'Lee et al. 2019 (SNIP), Table 1: SNIP on LeNet-300-100 and LeNet-5 at 95/98/99% sparsity (10k MNIST subset, 3 epochs), 3 seeds.',
    tasks: [LENET300, LENET5],
    methods: ['snip'],
    sparsities: [0.95, 0.98, 0.99],
    seeds: [0, 1, 2],
  },
  tasks: [mnistLenet5Small],
  claims: TABLE_1.map(claimFor),
};
