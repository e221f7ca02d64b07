import type { SuiteDefinition } from '../api/task-api.ts';

export const DEFAULT_SPARSITIES = [0.5, 0.75, 0.9, 0.95, 0.98, 0.99];
export const DEFAULT_SEEDS = [0, 1, 2];

/**
 * Each planted task also runs at its planted ticket's own density: the sparsity that keeps exactly
 * the ticket's number of edges (plantedTicketSparsity; suites/suites.test.ts checks every value
 * against the generator, whose ticket sizes do not depend on the seed).
 */
export const PLANTED_TICKET_SPARSITIES: Record<string, number> = {
  'planted-circle-d5-w100': 0.9961, // 119 of 30,600 weights
  'planted-relu-d5-w100': 0.99983, // 5 of 30,200
  'planted-helix-d5-w100': 0.99678, // 98 of 30,400
  'planted-circle-noise10-d5-w100': 0.9961, // 119 of 30,600
  'planted-disparity-d5-w100': 0.99524, // 146 of 30,700
  'planted-circle-d3-w100': 0.9883, // 124 of 10,600
  'planted-circle-d10-w100': 0.99799, // 162 of 80,600
  'planted-circle-noise0-d5-w100': 0.9961, // 119 of 30,600
  'planted-circle-noise30-d5-w100': 0.9961, // 119 of 30,600
};

function plantedTicketSparsities(tasks: string[]): Record<string, number[]> {
  return Object.fromEntries(tasks.filter((t) => t in PLANTED_TICKET_SPARSITIES).map((t) => [t, [PLANTED_TICKET_SPARSITIES[t]]]));
}

const STANDARD_TASKS = [
  'mnist-lenet300',
  'fashion-lenet300',
  'mnist-lenet5-2epochs',
  'planted-circle-d5-w100',
  'planted-relu-d5-w100',
  'planted-helix-d5-w100',
  'planted-circle-noise10-d5-w100',
  'planted-disparity-d5-w100',
];

const PLANTED_VARIANT_TASKS = [
  'planted-circle-d3-w100',
  'planted-circle-d10-w100',
  'planted-circle-noise0-d5-w100',
  'planted-circle-noise30-d5-w100',
];

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
    version: '2',
    description:
      "The structured track: whole units (neuron: dense hidden layers; filter: LeNet-5's convolutions) removed at unit ratios 0.25–0.9 and N:M sparsity (2:4, 1:4), on LeNet-300-100 and LeNet-5 (full MNIST and Fashion-MNIST; LeNet-5 at the standard suite's 2-epoch recipe) and, neuron only, planted Circle and ReLU; 3 seeds. Records carry MACs and measured speed-ups.",
    tasks: [
      'mnist-lenet300',
      'mnist-lenet5-2epochs',
      'fashion-lenet300',
      'fashion-lenet5-2epochs',
      'planted-circle-d5-w100',
      'planted-relu-d5-w100',
    ],
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
    version: '2',
    description:
      "The leaderboard grid (docs/leaderboard.md): LeNet-300-100 on full MNIST and Fashion-MNIST, LeNet-5 on full MNIST (2 epochs), planted Circle, ReLU, Helix, Circle with 10% label noise and the disparity task at depth 5, width 100; every registered method at sparsities 0.5–0.99 (planted tasks also at their ticket's own density), 3 seeds.",
    tasks: STANDARD_TASKS,
    methods: 'all',
    sparsities: DEFAULT_SPARSITIES,
    taskSparsities: plantedTicketSparsities(STANDARD_TASKS),
    seeds: DEFAULT_SEEDS,
  },
  {
    id: 'controls',
    version: '1',
    description:
      'Every method that returns scores against its controls (shuffled, reinit, inverted) on LeNet-300-100 on full MNIST at 90% and 98% sparsity, 3 seeds.',
    tasks: ['mnist-lenet300'],
    methods: 'score-returning',
    sparsities: [0.9, 0.98],
    seeds: DEFAULT_SEEDS,
    controls: ['shuffled', 'reinit', 'inverted'],
  },
  {
    id: 'planted-variants',
    version: '1',
    description:
      "The planted Circle task at depth 3 and 10 (width 100) and with 0% and 30% label noise (depth 5): every registered method at sparsities 0.5–0.99 and the ticket's own density, 3 seeds.",
    tasks: PLANTED_VARIANT_TASKS,
    methods: 'all',
    sparsities: DEFAULT_SPARSITIES,
    taskSparsities: plantedTicketSparsities(PLANTED_VARIANT_TASKS),
    seeds: DEFAULT_SEEDS,
  },
];
