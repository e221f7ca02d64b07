import type { PaperSuite } from '../../api/paper-api.ts';

const TASK = 'mnist-lenet300-small';

/**
 * Fractions of weights remaining (Pm) after 3, 7, 12, 15 and 18 rounds of layerwise pruning at 20%
 * per round (output layer 10%) of LeNet-300-100, as labelled in Figure 3 of the paper.
 */
export const LTH_REMAINING = [0.513, 0.211, 0.07, 0.036, 0.019] as const;

/** Pm down to which the paper finds tickets at the dense network's test accuracy (Sec. 2, Fig. 4a). */
const MATCHING_REMAINING = [0.513, 0.211, 0.07, 0.036] as const;

/** Pm at or below which the paper's reinitialised tickets have lost accuracy (Sec. 2, Fig. 4a). */
const REINIT_WORSE_REMAINING = [0.211, 0.07, 0.036, 0.019] as const;

const sparsityAt = (remaining: number) => Number((1 - remaining).toFixed(6));

const percent = (fraction: number) => 100 * fraction;

export const frankle2019: PaperSuite = {
  paper: {
    id: 'frankle2019',
    title: 'The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks',
    authors: 'Jonathan Frankle, Michael Carbin',
    year: 2019,
    url: 'https://arxiv.org/abs/1803.03635',
    table: 'Section 2, Figures 3 and 4a (LeNet-300-100 on MNIST, iterative pruning, random reinitialisation)',
  },
  setting:
    'LeNet-300-100 on MNIST, iterative magnitude pruning with rewinding to the original initialisation (method imp: layerwise, 20% of the surviving weights per round, 10% for the output layer), trained with Adam at lr 1.2e-3, batch 60. ' +
    'The tickets at Pm = 51.3%, 21.1%, 7.0%, 3.6% and 1.9% remaining (3, 7, 12, 15 and 18 rounds) are compared with the dense network and with the same masks randomly reinitialised (control reinit).',
  scaledDown:
    'The paper trains on the full 55k/5k MNIST split for 50,000 iterations per round (about 55 epochs) and averages 5 trials (15 reinitialisations). ' +
    'Here the registered task mnist-lenet300-small is used: a stratified 10,000-image training subset, a 1,000-image validation split and a 2,000-image test subset, 3 epochs per round (best epoch on validation), 2 seeds. ' +
    'Each sparsity is its own job, so IMP reruns every round for every sparsity and for its reinit control; one seed takes 120 training runs, about 8 minutes with 2 workers on 2 CPU cores (wasm), so the suite takes about 16. ' +
    "Accuracies are final test accuracies at the best validation epoch, not the early-stopping iteration the paper plots; with 2,000 test images one run's accuracy has a standard error of about 0.45 pp.",
  suite: {
    id: 'paper-frankle2019',
    version: '2',
    description:
      'Frankle & Carbin 2019 (lottery ticket), LeNet-300-100 on a 10k MNIST subset: IMP at Pm = 51.3/21.1/7.0/3.6/1.9% remaining and its reinit control, 2 seeds.',
    tasks: [TASK],
    methods: ['imp'],
    sparsities: LTH_REMAINING.map(sparsityAt),
    seeds: [0, 1],
    controls: ['reinit'],
  },
  claims: [
    {
      id: 'tickets-match-dense',
      kind: 'threshold',
      description:
        "Winning tickets reach at least the dense network's test accuracy down to Pm = 3.6% remaining (largest accuracy drop below dense over Pm = 51.3%, 21.1%, 7.0%, 3.6%).",
      source:
        'Sec. 2 and Fig. 4a: "test accuracy increases with pruning, improving by more than 0.3 percentage points when Pm = 13.5%; after this point, accuracy decreases, returning to the level of the original network when Pm = 3.6%." Fig. 3 (middle) shows Pm = 3.6% at the original network\'s accuracy.',
      unit: 'pp',
      tolerance: 0.5,
      reported: { bound: 0, direction: 'at-most', text: 'drop below dense ≤ 0 pp for every Pm ≥ 3.6% (ticket ≥ dense)' },
      measure: (r) => {
        const dense = percent(r.denseAccuracy(TASK));
        return Math.max(
          ...MATCHING_REMAINING.map((pm) => dense - percent(r.accuracy({ task: TASK, method: 'imp', sparsity: sparsityAt(pm) }))),
        );
      },
    },
    {
      id: 'tickets-beat-reinit',
      kind: 'threshold',
      description:
        'At Pm ≤ 21.1% remaining, the winning ticket is more accurate than the same mask randomly reinitialised (smallest accuracy margin ticket − reinit over Pm = 21.1%, 7.0%, 3.6%, 1.9%).',
      source:
        'Sec. 2 and Fig. 4a (orange line): "The average reinitialized iterative winning ticket\'s test accuracy drops off from the original accuracy when Pm = 21.1%, compared to 2.9% for the winning ticket." Fig. 3 (right) shows the reinitialised tickets learning progressively slower.',
      unit: 'pp',
      tolerance: 0,
      reported: { bound: 0, direction: 'at-least', text: 'ticket − reinit > 0 pp at every Pm ≤ 21.1%' },
      measure: (r) =>
        Math.min(
          ...REINIT_WORSE_REMAINING.map((pm) => {
            const sparsity = sparsityAt(pm);
            return (
              percent(r.accuracy({ task: TASK, method: 'imp', sparsity })) -
              percent(r.accuracy({ task: TASK, method: 'imp', sparsity, control: 'reinit' }))
            );
          }),
        ),
    },
    {
      id: 'reinit-gap-at-21',
      kind: 'value',
      description:
        'At Pm = 21.1% remaining the winning ticket is about half a percentage point more accurate than its random reinitialisation.',
      source:
        'Sec. 2: "When Pm = 21%, the winning ticket reaches minimum validation loss 2.51x faster than when reinitialized and is half a percentage point more accurate."',
      unit: 'pp',
      tolerance: 0.5,
      reported: { value: 0.5, text: 'ticket − reinit = 0.5 pp at Pm = 21.1%' },
      measure: (r) => {
        const sparsity = sparsityAt(0.211);
        return (
          percent(r.accuracy({ task: TASK, method: 'imp', sparsity })) -
          percent(r.accuracy({ task: TASK, method: 'imp', sparsity, control: 'reinit' }))
        );
      },
    },
  ],
};
