import { describe, expect, it } from 'vitest';
import { getSuite, getTask } from './registry.ts';
import { PLANTED_TICKET_SPARSITIES } from './suites.ts';
import { plantedTicketSparsity } from './tasks/planted-ticket-sparsity.ts';
import { declaredStructures, planSuite } from '../harness/jobs/plan.ts';
import { keepCountFor } from '../harness/prune/mask-selection.ts';
import { listMethods } from '../harness/registry/methods.ts';

const manifests = listMethods().map((m) => m.manifest);
/** The methods an unstructured grid runs: those that declare unstructured pruning. */
const unstructured = manifests.filter((m) => declaredStructures(m).includes('unstructured'));
const plan = (id: string) => planSuite(getSuite(id), { getTask, listMethodManifests: () => manifests });

describe('the leaderboard suites', () => {
  it('standard: the full-data LeNets and the depth-5 planted tasks, every method, 6 sparsities (+ the planted density), 3 seeds, no controls', () => {
    const standard = getSuite('standard');
    expect(standard.tasks).toEqual([
      'mnist-lenet300',
      'fashion-lenet300',
      'mnist-lenet5-2epochs',
      'planted-circle-d5-w100',
      'planted-relu-d5-w100',
      'planted-helix-d5-w100',
      'planted-circle-noise10-d5-w100',
      'planted-disparity-d5-w100',
    ]);
    expect(standard.methods).toBe('all');
    expect(standard.sparsities).toEqual([0.5, 0.75, 0.9, 0.95, 0.98, 0.99]);
    expect(standard.seeds).toEqual([0, 1, 2]);
    expect(standard.controls ?? []).toEqual([]);
    const planted = standard.tasks.filter((t) => t.startsWith('planted-'));
    expect(Object.keys(standard.taskSparsities ?? {}).sort()).toEqual([...planted].sort());
    const jobs = plan('standard');
    const methods = unstructured.length;
    expect(methods).toBe(24);
    expect(jobs.dense).toHaveLength(8 * 3);
    // ceag declares classification tasks only: not planned on the two regression tasks (ReLU, Helix).
    expect(jobs.sparse).toHaveLength(3 * methods * 6 * 3 + 5 * methods * 7 * 3 - 2 * 7 * 3);
    expect(jobs.sparse.filter((j) => j.method!.id === 'ceag' && getTask(j.task.id).kind === 'regression')).toEqual([]);
    expect(jobs.sparse.every((j) => j.control === null)).toBe(true);
  });

  it('standard trains LeNet-300-100 with the LeNet recipe and LeNet-5 for 2 epochs and 1 fine-tuning epoch, on the full training sets', () => {
    for (const id of ['mnist-lenet300', 'fashion-lenet300']) expect(getTask(id).recipe).toMatchObject({ epochs: 8, fineTuneEpochs: 3 });
    const lenet5 = getTask('mnist-lenet5-2epochs');
    expect(lenet5.architecture.id).toBe('lenet-5');
    expect(lenet5.recipe).toMatchObject({ optimizer: 'adam', learningRate: 1.2e-3, batchSize: 60, epochs: 2, fineTuneEpochs: 1 });
    for (const id of ['mnist-lenet300', 'fashion-lenet300', 'mnist-lenet5-2epochs'])
      expect(getTask(id).scale).toMatchObject({ train: 55000, validation: 5000, test: 10000 });
  });

  it('controls: every score-returning method against shuffled, reinit and inverted on full-MNIST LeNet-300-100 at 0.9 and 0.98, 3 seeds', () => {
    const controls = getSuite('controls');
    expect(controls).toMatchObject({
      tasks: ['mnist-lenet300'],
      methods: 'score-returning',
      sparsities: [0.9, 0.98],
      seeds: [0, 1, 2],
      controls: ['shuffled', 'reinit', 'inverted'],
    });
    const scoring = unstructured.filter((m) => m.output === 'scores').map((m) => m.id);
    expect(scoring).toContain('imp');
    expect(scoring).not.toContain('synflow');
    const jobs = plan('controls').sparse;
    expect([...new Set(jobs.map((j) => j.method!.id))]).toEqual(scoring);
    expect(jobs).toHaveLength(scoring.length * 2 * 3 * 4);
    // Its uncontrolled jobs are standard's own: the same identities, run once.
    const standardIds = new Set(plan('standard').sparse.map((j) => JSON.stringify(j)));
    expect(jobs.filter((j) => j.control === null).every((j) => standardIds.has(JSON.stringify(j)))).toBe(true);
  });

  it('planted-variants: the depth and noise variants that left standard', () => {
    const variants = getSuite('planted-variants');
    expect(variants.tasks).toEqual([
      'planted-circle-d3-w100',
      'planted-circle-d10-w100',
      'planted-circle-noise0-d5-w100',
      'planted-circle-noise30-d5-w100',
    ]);
    expect(variants.tasks.filter((t) => getSuite('standard').tasks.includes(t))).toEqual([]);
    expect(Object.keys(variants.taskSparsities ?? {})).toEqual(variants.tasks);
  });
});

describe("the planted ticket's own density", () => {
  it('keeps exactly the planted edges of every seed, and is the decimal plantedTicketSparsity gives', async () => {
    for (const [id, sparsity] of Object.entries(PLANTED_TICKET_SPARSITIES)) {
      const sizes = new Set<string>();
      for (const seed of [0, 1, 2]) {
        const { planted } = await getTask(id).load(seed);
        const masks = Object.values(planted!.truthMask);
        const total = masks.reduce((sum, m) => sum + m.length, 0);
        const edges = masks.reduce((sum, m) => sum + m.reduce((a, b) => a + b, 0), 0);
        sizes.add(`${edges}/${total}`);
        expect(keepCountFor(total, sparsity), `${id} seed ${seed}`).toBe(edges);
        expect(plantedTicketSparsity(edges, total), id).toBe(sparsity);
      }
      expect(sizes.size, `${id}: the ticket's size does not depend on the seed`).toBe(1);
    }
  }, 120_000);
});
