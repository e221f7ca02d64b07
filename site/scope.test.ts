import { describe, expect, it } from 'vitest';
import { makeRecord } from '../harness/testing/record-factory.ts';
import { aggregateSuite } from '../harness/aggregate/scope.ts';
import type { SuiteDefinition } from '../api/task-api.ts';
import { scopeSite } from './scope.ts';

const suites: SuiteDefinition[] = [
  { id: 'smoke', version: '1', description: '', tasks: ['tiny'], methods: ['a', 'b'], sparsities: [0.5], seeds: [0] },
  { id: 'quick', version: '1', description: '', tasks: ['small'], methods: ['a', 'b'], sparsities: [0.5, 0.9], seeds: [0] },
  { id: 'zoo', version: '1', description: '', tasks: ['small'], methods: 'all', sparsities: [0.9, 0.98], seeds: [0, 1] },
];

const runs = (task: string, method: string, sparsities: number[], seeds: number[], accuracy: number) =>
  sparsities.flatMap((sparsity) =>
    seeds.map((seed) =>
      makeRecord({ task, method, sparsity, seed, denseAccuracy: 0.95, accuracy: accuracy - sparsity / 10 + seed / 1000 }),
    ),
  );

const records = [
  ...[0, 1].map((seed) => makeRecord({ task: 'small', method: null, seed, denseAccuracy: 0.95 })),
  ...runs('small', 'a', [0.5, 0.9], [0], 0.95), // a quick run
  ...runs('small', 'b', [0.5, 0.9], [0], 0.9),
  ...runs('small', 'b', [0.98], [0, 1], 0.9), // with b@0.9 seed 0 and these, b covers zoo for seed 0 only
  ...runs('small', 'c', [0.9, 0.98], [0, 1], 0.92), // a zoo run
  makeRecord({ task: 'tiny', method: null, seed: 0 }),
  ...runs('tiny', 'a', [0.5], [0], 0.9),
];

describe('what the site ranks where', () => {
  const scope = scopeSite(records, suites);

  it('ranks a task only in its leaderboard suite, exactly as report --suite ranks that suite', () => {
    expect(scope.aggregate.tasks.map((t) => t.task.id)).toEqual(['small']);
    const site = scope.aggregate.tasks[0];
    const report = aggregateSuite(suites[2], records).tasks[0];
    expect(site.grid).toEqual([0.9, 0.98]);
    expect(site.ranking.map((s) => [s.method, s.rankLabel, s.score?.mean ?? null])).toEqual(
      report.ranking.map((s) => [s.method, s.rankLabel, s.score?.mean ?? null]),
    );
    expect(site.ranking.filter((s) => s.rank !== null).map((s) => s.method)).toEqual(['c', 'b']);
  });

  it("keeps a leaderboard task's records off its grid apart, unscored", () => {
    const off = scope.offGrid.get('small@1')!;
    expect(off.cells.map((c) => `${c.method}@${c.sparsity}`)).toEqual(['a@0.5', 'b@0.5']);
    expect(scope.aggregate.tasks[0].cells.some((c) => c.sparsity === 0.5)).toBe(false);
  });

  it("ranks a planted task over its leaderboard suite's grid with the task's own sparsities", () => {
    const planted: SuiteDefinition[] = [
      {
        id: 'board',
        version: '1',
        description: '',
        tasks: ['p'],
        methods: 'all',
        sparsities: [0.9],
        taskSparsities: { p: [0.9961] },
        seeds: [0],
      },
    ];
    const plantedRecords = [makeRecord({ task: 'p', method: null, seed: 0 }), ...runs('p', 'a', [0.9, 0.9961, 0.98], [0], 0.95)];
    const site = scopeSite(plantedRecords, planted);
    expect(site.aggregate.tasks[0].grid).toEqual([0.9, 0.9961]);
    expect(site.offGrid.get('p@1')!.cells.map((c) => c.sparsity)).toEqual([0.98]);
    expect(aggregateSuite(planted[0], plantedRecords).tasks[0].grid).toEqual([0.9, 0.9961]);
  });

  it("gives every other suite with records its own ranking, the report's", () => {
    expect(scope.otherSuites.map((v) => v.suite.id)).toEqual(['smoke', 'quick']);
    const quick = scope.otherSuites.find((v) => v.suite.id === 'quick')!.aggregate.tasks[0];
    expect(quick.ranking.map((s) => [s.method, s.rankLabel])).toEqual(
      aggregateSuite(suites[1], records).tasks[0].ranking.map((s) => [s.method, s.rankLabel]),
    );
    expect(quick.ranking[0]).toMatchObject({ method: 'a', rank: 1, leader: true });
  });
});

describe('structured tracks on the site', () => {
  const neuron = { kind: 'neuron' as const };
  const twoFour = { kind: 'n:m' as const, n: 2, m: 4 };
  const structuredSuites: SuiteDefinition[] = [
    { id: 'zoo', version: '1', description: '', tasks: ['small'], methods: 'all', sparsities: [0.9], seeds: [0, 1] },
    // Registered before `structured`, as structured-smoke is: a track both run is ranked in `structured`.
    {
      id: 'quick-structured',
      version: '1',
      description: '',
      tasks: ['small', 'tiny'],
      methods: ['n'],
      structures: ['neuron'],
      sparsities: [0.5],
      seeds: [0],
    },
    {
      id: 'structured',
      version: '1',
      description: '',
      tasks: ['small'],
      methods: ['n', 'm'],
      structures: ['neuron', '2:4'],
      sparsities: [0.5, 0.75],
      seeds: [0, 1],
    },
  ];
  const structuredRuns = (task: string, method: string, structure: typeof neuron | typeof twoFour, sparsities: number[], seeds: number[]) =>
    sparsities.flatMap((sparsity) =>
      seeds.map((seed) =>
        makeRecord({
          task,
          method,
          structure,
          sparsity: structure.kind === 'n:m' ? undefined : sparsity,
          seed,
          denseAccuracy: 0.95,
          accuracy: 0.94 - sparsity / 10 + seed / 1000,
        }),
      ),
    );
  const records = [
    ...[0, 1].map((seed) => makeRecord({ task: 'small', method: null, seed, denseAccuracy: 0.95 })),
    makeRecord({ task: 'tiny', method: null, seed: 0 }),
    ...runs('small', 'a', [0.9], [0, 1], 0.95),
    ...runs('small', 'a', [0.5], [0], 0.95), // unstructured, off the zoo grid
    ...structuredRuns('small', 'n', neuron, [0.5, 0.75], [0, 1]),
    ...structuredRuns('small', 'n', neuron, [0.3], [0]), // a neuron ratio off the structured grid
    ...structuredRuns('small', 'm', twoFour, [0.5], [0, 1]),
    ...structuredRuns('tiny', 'n', neuron, [0.5], [0]),
  ];
  const scope = scopeSite(records, structuredSuites);
  const keys = (tasks: { task: { key: string } }[]) => tasks.map((t) => t.task.key);

  it('keeps structured records off the unstructured leaderboard', () => {
    expect(keys(scope.aggregate.tasks)).toEqual(['small@1']);
    expect(scope.aggregate.tasks[0].methods).toEqual(['a']);
  });

  it("ranks each track in the first suite that runs its structure on the task, `structured` first, as that suite's report does", () => {
    expect(keys(scope.structured.aggregate.tasks)).toEqual(['small@1 [2:4]', 'small@1 [neuron]', 'tiny@1 [neuron]']);
    expect([...scope.structured.suite.entries()].sort()).toEqual([
      ['small@1 [2:4]', 'structured'],
      ['small@1 [neuron]', 'structured'],
      ['tiny@1 [neuron]', 'quick-structured'],
    ]);
    const report = aggregateSuite(structuredSuites[2], records).tasks.find((t) => t.task.key === 'small@1 [neuron]')!;
    const site = scope.structured.aggregate.tasks.find((t) => t.task.key === 'small@1 [neuron]')!;
    expect(site.grid).toEqual([0.5, 0.75]);
    expect(site.cells.map((c) => `${c.method}@${c.sparsity}:${c.n}`)).toEqual(['n@0.5:2', 'n@0.75:2']);
    expect(site.ranking.map((s) => [s.method, s.rankLabel, s.score?.mean])).toEqual(
      report.ranking.map((s) => [s.method, s.rankLabel, s.score?.mean]),
    );
    expect(site.dense?.n).toBe(2);
    // An N:M track's grid is its own sparsity.
    expect(scope.structured.aggregate.tasks[0].grid).toEqual([0.5]);
    expect(scope.structured.aggregate).toMatchObject({ records: 7, ok: 7, failed: 0 });
  });

  it("keeps a track's records off its suite's grid under the track's key, apart from the task's unstructured ones", () => {
    expect([...scope.offGrid.keys()].sort()).toEqual(['small@1', 'small@1 [neuron]']);
    expect(scope.offGrid.get('small@1 [neuron]')!.cells.map((c) => `${c.method}@${c.sparsity}`)).toEqual(['n@0.3']);
    expect(scope.offGrid.get('small@1')!.cells.map((c) => `${c.method}@${c.sparsity}`)).toEqual(['a@0.5']);
  });
});
