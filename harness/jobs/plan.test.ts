import { describe, expect, it } from 'vitest';
import { parseShard, planSuite, shardFromEnvironment, shardPlan } from './plan.ts';
import { denseSpecFor, jobId } from './spec.ts';
import type { SuiteDefinition, TaskDefinition } from '../../api/task-api.ts';
import type { MethodManifest } from '../../api/method-api.ts';

function task(id: string, unavailable: string | null = null): TaskDefinition {
  return {
    id,
    version: '3',
    family: 'mnist',
    description: id,
    kind: 'classification',
    architecture: { id: 'a', inputShape: [2], layers: [{ kind: 'dense', name: 'fc1', units: 2, activation: 'linear' }] },
    recipe: {
      optimizer: 'sgd',
      learningRate: 0.1,
      batchSize: 2,
      epochs: 1,
      fineTuneEpochs: 1,
      schedule: { kind: 'constant' },
      selectBestEpoch: false,
    },
    prunableStatement: '',
    groupBy: 'class',
    jobBudgetSeconds: 10,
    unavailableReason: () => unavailable,
    load: async () => {
      throw new Error('not loaded in planning');
    },
  };
}

function manifest(id: string, output: 'scores' | 'masks' = 'scores'): MethodManifest {
  return {
    id,
    name: id,
    version: '1.0.0',
    description: id,
    when: 'after-training',
    scope: 'global',
    needs: [],
    output,
    hyperparameters: { k: { type: 'integer', default: 1, minimum: 0, help: 'k' } },
  };
}

const tasks = new Map([
  ['t1', task('t1')],
  ['t2', task('t2')],
  ['cifar', task('cifar', 'set PRUNEBENCH_DATA_DIR')],
]);
const sources = { getTask: (id: string) => tasks.get(id)!, listMethodManifests: () => [manifest('a'), manifest('b', 'masks')] };
const suite: SuiteDefinition = {
  id: 's',
  version: '1',
  description: 's',
  tasks: ['t1', 't2', 'cifar'],
  methods: 'all',
  sparsities: [0.5, 0.9],
  seeds: [0, 1],
};

describe('planSuite', () => {
  it('expands task × method × sparsity × seed with one dense reference per task and seed', () => {
    const plan = planSuite(suite, sources);
    expect(plan.sparse).toHaveLength(2 * 2 * 2 * 2);
    expect(plan.dense).toHaveLength(2 * 2);
    expect(plan.skipped).toEqual([{ task: 'cifar', reason: 'set PRUNEBENCH_DATA_DIR' }]);
    expect(plan.sparse[0]).toMatchObject({
      task: { id: 't1', version: '3' },
      method: { id: 'a', version: '1.0.0', hyperparameters: { k: 1 } },
      sparsity: 0.5,
      seed: 0,
      control: null,
    });
    const denseIds = new Set(plan.dense.map(jobId));
    for (const s of plan.sparse) expect(denseIds.has(jobId(denseSpecFor(s)))).toBe(true);
  });

  it('is deterministic', () => {
    expect(planSuite(suite, sources).sparse.map(jobId)).toEqual(planSuite(suite, sources).sparse.map(jobId));
  });

  it('adds controls, and inverted only for score-based methods', () => {
    const plan = planSuite(
      { ...suite, tasks: ['t1'], seeds: [0], sparsities: [0.9], controls: ['shuffled', 'reinit', 'inverted'] },
      sources,
    );
    const labels = plan.sparse.map((s) => `${s.method!.id}:${s.control}`);
    expect(labels).toEqual(['a:null', 'a:shuffled', 'a:reinit', 'a:inverted', 'b:null', 'b:shuffled', 'b:reinit']);
  });

  it('applies filters and rejects values outside the suite', () => {
    const plan = planSuite(suite, sources, { tasks: ['t2'], methods: ['b'], sparsities: [0.9], seeds: [1] });
    expect(plan.sparse).toHaveLength(1);
    expect(plan.dense).toHaveLength(1);
    expect(() => planSuite(suite, sources, { sparsities: [0.3] })).toThrow(/sparsity 0.3 not in suite 's'/);
    expect(() => planSuite(suite, sources, { methods: ['nope'] })).toThrow(/method\(s\) nope not registered \(known: a, b\)/);
    expect(() => planSuite({ ...suite, methods: ['nope'] }, sources)).toThrow(/method 'nope', which is not registered/);
  });

  it("adds a task's own sparsities to that task only, and the --sparsities filter accepts them", () => {
    const planted = { ...suite, tasks: ['t1', 't2'], seeds: [0], taskSparsities: { t2: [0.9961] } };
    const grid = (plan: ReturnType<typeof planSuite>) =>
      plan.sparse.filter((s) => s.method!.id === 'a').map((s) => `${s.task.id}@${s.sparsity}`);
    expect(grid(planSuite(planted, sources))).toEqual(['t1@0.5', 't1@0.9', 't2@0.5', 't2@0.9', 't2@0.9961']);
    // Only t2 runs at 0.9961: t1 gets no job and so no dense reference.
    const filtered = planSuite(planted, sources, { sparsities: [0.9961] });
    expect(grid(filtered)).toEqual(['t2@0.9961']);
    expect(filtered.dense.map((d) => d.task.id)).toEqual(['t2']);
    expect(() => planSuite(planted, sources, { sparsities: [0.996] })).toThrow(
      /sparsity 0.996 not in suite 's' \(it has: 0.5, 0.9, 0.9961\)/,
    );
  });

  it("runs every score-returning method for methods: 'score-returning'", () => {
    const withMasks = { getTask: sources.getTask, listMethodManifests: () => [manifest('a'), manifest('b', 'masks'), manifest('c')] };
    const plan = planSuite(
      { ...suite, tasks: ['t1'], seeds: [0], sparsities: [0.9], methods: 'score-returning', controls: ['inverted'] },
      withMasks,
    );
    expect(plan.sparse.map((s) => `${s.method!.id}:${s.control}`)).toEqual(['a:null', 'a:inverted', 'c:null', 'c:inverted']);
  });
});

describe('methods outside the suite', () => {
  it('runs a registered method the suite does not list on the suite grid, and says so', () => {
    const narrow = { ...suite, methods: ['a'] };
    const plan = planSuite(narrow, sources, { methods: ['b'] });
    expect(plan.addedMethods).toEqual(['b']);
    expect(plan.sparse.map((s) => s.method!.id)).toEqual(new Array(2 * 2 * 2).fill('b'));
    expect(planSuite(narrow, sources).addedMethods).toEqual([]);
  });
});

describe('sharding', () => {
  const plan = planSuite(suite, sources);
  it('splits sparse jobs so the union of shards is the whole plan, without overlap', () => {
    for (const n of [1, 2, 3, 5]) {
      const shards = Array.from({ length: n }, (_, k) => shardPlan(plan, { index: k, count: n }));
      const sparse = shards.flatMap((s) => s.sparse.map(jobId));
      expect(new Set(sparse).size).toBe(sparse.length);
      expect([...sparse].sort()).toEqual(plan.sparse.map(jobId).sort());
      const owned = shards.flatMap((s) => [...s.ownedDense]);
      expect(owned.sort()).toEqual(plan.dense.map(jobId).sort());
      for (const s of shards) {
        const available = new Set(s.dense.map(jobId));
        for (const job of s.sparse) expect(available.has(jobId(denseSpecFor(job)))).toBe(true);
      }
    }
  });

  it('reads the shard from the flag or the scheduler environment', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(() => parseShard('4/4')).toThrow(/0 ≤ k < n/);
    expect(() => parseShard('x')).toThrow(/k\/n/);
    expect(shardFromEnvironment(undefined, {})).toBeNull();
    expect(shardFromEnvironment('0/2', { PRUNEBENCH_SHARD: '1/2' })).toEqual({ index: 0, count: 2 });
    expect(shardFromEnvironment(undefined, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({
      index: 2,
      count: 4,
    });
    expect(shardFromEnvironment(undefined, { JOB_COMPLETION_INDEX: '2', PRUNEBENCH_SHARD_COUNT: '3' })).toEqual({ index: 2, count: 3 });
    expect(() => shardFromEnvironment(undefined, { JOB_COMPLETION_INDEX: '2' })).toThrow(/PRUNEBENCH_SHARD_COUNT/);
  });
});

describe('hyperparameter overrides', () => {
  const one = { ...suite, tasks: ['t1'], seeds: [0], sparsities: [0.9], methods: ['a'] };

  it('give jobs differing only in an override different identities, and the effective values are in the spec', () => {
    const defaults = planSuite(one, sources).sparse[0];
    const overridden = planSuite(one, sources, { hyperparameters: { a: { k: '3' } } }).sparse[0];
    expect(overridden.method!.hyperparameters).toEqual({ k: 3 });
    expect({ ...overridden, method: { ...overridden.method!, hyperparameters: defaults.method!.hyperparameters } }).toEqual(defaults);
    expect(jobId(overridden)).not.toBe(jobId(defaults));
    // An override equal to the default is the default job.
    expect(jobId(planSuite(one, sources, { hyperparameters: { a: { k: 1 } } }).sparse[0])).toBe(jobId(defaults));
  });

  it('come from the suite, and --set replaces the suite value', () => {
    const fromSuite = planSuite({ ...one, hyperparameters: { a: { k: 2 } } }, sources);
    expect(fromSuite.sparse[0].method!.hyperparameters).toEqual({ k: 2 });
    expect(
      planSuite({ ...one, hyperparameters: { a: { k: 2 } } }, sources, { hyperparameters: { a: { k: '5' } } }).sparse[0].method!
        .hyperparameters,
    ).toEqual({ k: 5 });
  });

  it('are refused at planning, before any job, naming the method, the field and the value', () => {
    expect(() => planSuite(one, sources, { hyperparameters: { a: { k: '-1' } } })).toThrow(
      "method 'a': hyperparameter 'k' = '-1' must be ≥ 0",
    );
    expect(() => planSuite(one, sources, { hyperparameters: { a: { k: 'many' } } })).toThrow(
      "method 'a': hyperparameter 'k' = 'many' must be a finite number",
    );
    expect(() => planSuite(one, sources, { hyperparameters: { a: { k: 1.5 } } })).toThrow(
      "method 'a': hyperparameter 'k' = 1.5 must be an integer",
    );
    expect(() => planSuite(one, sources, { hyperparameters: { a: { kk: 1 } } })).toThrow(
      "method 'a' has no hyperparameter 'kk' (it has: k)",
    );
    expect(() => planSuite(one, sources, { hyperparameters: { b: { k: 1 } } })).toThrow(
      "hyperparameter overrides name method 'b', which this plan does not run (it runs: a)",
    );
    expect(() => planSuite({ ...one, hyperparameters: { c: { k: 1 } } }, sources)).toThrow(
      "suite 's' sets hyperparameters of method 'c', which is not registered",
    );
    // A suite's values for a method a --methods filter leaves out are not a mistake; invalid ones still are.
    expect(
      planSuite({ ...one, methods: ['a', 'b'], hyperparameters: { b: { k: 2 } } }, sources, { methods: ['a'] }).sparse.map(
        (j) => j.method!.id,
      ),
    ).toEqual(['a']);
    expect(() => planSuite({ ...one, hyperparameters: { a: { k: -2 } } }, sources)).toThrow(
      "method 'a': hyperparameter 'k' = -2 must be ≥ 0",
    );
  });
});

describe('planSuite with task kinds', () => {
  it('leaves out the jobs of a method on tasks of a kind its manifest does not declare, and keeps the dense references', () => {
    const regression = { ...task('r'), kind: 'regression' as const };
    const kindSources = {
      getTask: (id: string) => (id === 'r' ? regression : tasks.get(id)!),
      listMethodManifests: () => [manifest('a'), { ...manifest('classifier'), taskKinds: ['classification' as const] }],
    };
    const plan = planSuite({ ...suite, tasks: ['t1', 'r'], seeds: [0] }, kindSources);
    const jobs = plan.sparse.map((s) => `${s.task.id} ${s.method!.id} ${s.sparsity}`);
    expect(jobs).toEqual(['t1 a 0.5', 't1 a 0.9', 't1 classifier 0.5', 't1 classifier 0.9', 'r a 0.5', 'r a 0.9']);
    expect(plan.dense.map((d) => d.task.id)).toEqual(['t1', 'r']);
  });
});

describe('planSuite with structures', () => {
  const mlp: TaskDefinition = {
    ...task('mlp'),
    architecture: {
      id: 'm',
      inputShape: [4],
      layers: [
        { kind: 'dense', name: 'fc1', units: 8, activation: 'relu' },
        { kind: 'dense', name: 'fc2', units: 2, activation: 'linear' },
      ],
    },
  };
  const structuredSources = {
    getTask: (id: string) => (id === 'mlp' ? mlp : tasks.get(id)!),
    listMethodManifests: () => [
      manifest('a'),
      { ...manifest('units'), structures: ['neuron' as const] },
      { ...manifest('nm'), structures: ['n:m' as const] },
      { ...manifest('scratch'), structures: ['neuron' as const], reinit: true },
    ],
  };
  const structuredSuite: SuiteDefinition = {
    id: 'st',
    version: '1',
    description: 'st',
    tasks: ['mlp'],
    methods: 'all',
    structures: ['neuron', '2:4', '1:4'],
    sparsities: [0.25, 0.9],
    seeds: [0],
    controls: ['shuffled'],
  };

  it('runs each method on the structures it declares: unit ratios for neuron, 1 − N/M for N:M, no controls for a reinit method', () => {
    const plan = planSuite(structuredSuite, structuredSources);
    const rows = plan.sparse.map(
      (s) =>
        `${s.method!.id}${s.control ? `+${s.control}` : ''} ${s.structure?.kind === 'n:m' ? `${s.structure.n}:${s.structure.m}` : s.structure?.kind} ${s.sparsity}`,
    );
    expect(rows).toEqual([
      'units neuron 0.25',
      'units neuron 0.9',
      'units+shuffled neuron 0.25',
      'units+shuffled neuron 0.9',
      'scratch neuron 0.25',
      'scratch neuron 0.9',
      'nm 2:4 0.5',
      'nm+shuffled 2:4 0.5',
      'nm 1:4 0.75',
      'nm+shuffled 1:4 0.75',
    ]);
    expect(plan.dense).toHaveLength(1);
    expect(plan.dense[0].structure).toBeUndefined();
    expect(
      planSuite(structuredSuite, structuredSources, { structures: ['2:4'] }).sparse.map((s) => `${s.method!.id} ${s.control}`),
    ).toEqual(['nm null', 'nm shuffled']);
  });

  it('leaves the structure out of unstructured specs, so their identities are unchanged', () => {
    const plan = planSuite(suite, sources);
    for (const s of plan.sparse) expect(Object.keys(s)).not.toContain('structure');
  });

  it('refuses a method named for structures its manifest does not declare, a structure not in the suite, and one that removes nothing', () => {
    expect(() => planSuite(structuredSuite, structuredSources, { methods: ['a'] })).toThrow(
      "method 'a' prunes to unstructured only, and this plan of suite 'st' runs neuron, 2:4, 1:4 jobs: its manifest's \"structures\" does not declare any of them",
    );
    expect(() => planSuite({ ...structuredSuite, methods: ['units', 'a'] }, structuredSources)).toThrow(
      "method 'a' prunes to unstructured only, and suite 'st' runs neuron, 2:4, 1:4 jobs",
    );
    // A suite's listed method outside a --structures filter is left out, not refused.
    expect(
      planSuite({ ...structuredSuite, methods: ['units', 'nm'] }, structuredSources, { structures: ['2:4'] }).sparse.map(
        (s) => s.method!.id,
      ),
    ).toEqual(['nm', 'nm']);
    expect(() => planSuite(structuredSuite, structuredSources, { methods: ['units'], structures: ['2:4'] })).toThrow(
      /method 'units' prunes to neuron only/,
    );
    expect(() => planSuite(structuredSuite, structuredSources, { structures: ['filter'] })).toThrow(
      "structure(s) filter not in suite 'st' (it has: neuron, 2:4, 1:4)",
    );
    expect(() => planSuite({ ...structuredSuite, structures: ['filter'] }, structuredSources)).toThrow(
      /task 'mlp' has no convolution before its output layer, so filter structure removes nothing from it/,
    );
    expect(() => planSuite({ ...structuredSuite, structures: ['4:2'] }, structuredSources)).toThrow(/suite 'st': structure '4:2'/);
  });

  it("takes a task's own structures from taskStructures", () => {
    const plan = planSuite(
      { ...structuredSuite, tasks: ['mlp', 't1'], taskStructures: { t1: ['unstructured'] }, controls: [] },
      structuredSources,
    );
    expect(
      plan.sparse.filter((s) => s.task.id === 't1').map((s) => `${s.method!.id} ${s.structure?.kind ?? 'unstructured'} ${s.sparsity}`),
    ).toEqual(['a unstructured 0.25', 'a unstructured 0.9']);
    expect(plan.sparse.filter((s) => s.task.id === 'mlp').every((s) => s.structure !== undefined)).toBe(true);
  });
});
