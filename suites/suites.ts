import type { SuiteDefinition } from '../api/task-api.ts';

export const DEFAULT_SPARSITIES = [0.5, 0.75, 0.9, 0.95, 0.98, 0.99];
export const DEFAULT_SEEDS = [0, 1, 2];

export const suites: SuiteDefinition[] = [
  {
    id: 'smoke',
    version: '1',
    description: 'Seconds: a tiny planted task and a tiny MNIST subset, 2 methods, 2 sparsities, 1 seed. Used by tests and CI.',
    tasks: ['planted-circle-tiny', 'mnist-lenet300-tiny'],
    methods: ['random', 'magnitude-global'],
    sparsities: [0.5, 0.9],
    seeds: [0],
  },
  {
    id: 'quick',
    version: '1',
    description: 'Minutes on 2 cores: a 10k MNIST subset and planted Circle/ReLU, the one-shot methods, 3 sparsities, 1 seed.',
    tasks: ['mnist-lenet300-small', 'planted-circle-d5-w100', 'planted-relu-d5-w100'],
    methods: ['random', 'magnitude-global', 'magnitude-init', 'snip', 'synflow', 'lamp'],
    sparsities: [0.5, 0.9, 0.98],
    seeds: [0],
  },
  {
    id: 'lenet300-methods',
    version: '1',
    description:
      'Every registered method on LeNet-300-100 (10k-sample MNIST subset, 3 epochs) at 90%, 98% and 99% sparsity, 3 seeds: the method-zoo comparison that fits a CPU.',
    tasks: ['mnist-lenet300-small'],
    methods: 'all',
    sparsities: [0.9, 0.98, 0.99],
    seeds: [0, 1, 2],
  },
  {
    id: 'lenet300-controls',
    version: '1',
    description:
      'Four methods against their own controls (shuffled, reinit, inverted) on LeNet-300-100 (10k-sample MNIST subset) at 98% sparsity, 3 seeds.',
    tasks: ['mnist-lenet300-small'],
    methods: ['magnitude-global', 'snip', 'synflow', 'imp'],
    sparsities: [0.98],
    seeds: [0, 1, 2],
    controls: ['shuffled', 'reinit', 'inverted'],
  },
  {
    id: 'structured-smoke',
    version: '1',
    description:
      'Seconds: the structured track end to end on the tiny MNIST subset and the tiny planted Circle, neuron-l1 (neuron, 50% of units) and nm-magnitude (2:4), 1 seed. Used by tests.',
    tasks: ['mnist-lenet300-tiny', 'planted-circle-tiny'],
    methods: ['neuron-l1', 'nm-magnitude'],
    structures: ['neuron', '2:4'],
    sparsities: [0.5],
    seeds: [0],
  },
  {
    id: 'structured',
    version: '1',
    description:
      "The structured track: whole units (neuron: dense hidden layers; filter: LeNet-5's convolutions) removed at unit ratios 0.25–0.9 and N:M sparsity (2:4, 1:4), on LeNet-300-100 and LeNet-5 (MNIST and Fashion-MNIST) and, neuron only, planted Circle and ReLU; 3 seeds. Records carry MACs and measured speed-ups.",
    tasks: ['mnist-lenet300', 'mnist-lenet5', 'fashion-lenet300', 'fashion-lenet5', 'planted-circle-d5-w100', 'planted-relu-d5-w100'],
    methods: ['neuron-random', 'neuron-l1', 'neuron-reinit', 'neuron-taylor', 'nm-magnitude', 'nm-srste'],
    structures: ['neuron', 'filter', '2:4', '1:4'],
    taskStructures: {
      'mnist-lenet300': ['neuron', '2:4', '1:4'],
      'fashion-lenet300': ['neuron', '2:4', '1:4'],
      'planted-circle-d5-w100': ['neuron'],
      'planted-relu-d5-w100': ['neuron'],
    },
    sparsities: [0.25, 0.5, 0.75, 0.9],
    seeds: DEFAULT_SEEDS,
  },
  {
    id: 'standard',
    version: '1',
    description: 'The leaderboard grid: every task, every registered method, sparsities 0.5–0.99, 3 seeds.',
    tasks: [
      'mnist-lenet300',
      'mnist-lenet5',
      'fashion-lenet300',
      'fashion-lenet5',
      'cifar10-conv4',
      'planted-circle-d5-w100',
      'planted-relu-d5-w100',
      'planted-helix-d5-w100',
      'planted-circle-d3-w100',
      'planted-circle-d10-w100',
      'planted-circle-noise0-d5-w100',
      'planted-circle-noise10-d5-w100',
      'planted-circle-noise30-d5-w100',
      'planted-disparity-d5-w100',
    ],
    methods: 'all',
    sparsities: DEFAULT_SPARSITIES,
    seeds: DEFAULT_SEEDS,
    controls: ['shuffled', 'reinit', 'inverted'],
  },
];
