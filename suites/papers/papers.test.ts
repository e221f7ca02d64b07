import { describe, expect, it } from 'vitest';
import { aggregate } from '../../harness/aggregate/aggregate.ts';
import { planSuite } from '../../harness/jobs/plan.ts';
import { evaluateClaim } from '../../harness/reproduce/verdict.ts';
import { recordsForPlan } from '../../harness/testing/reproduction-fixtures.ts';
import { schemaProblems } from '../../harness/schema/validator.ts';
import { checkSuite } from '../../harness/validate/file-checks.ts';
import { methodIds, listMethods } from '../../harness/registry/methods.ts';
import { generateFromDefinition, plantedTaskDefinitions } from '../../planted/tasks.ts';
import { getSuite, getTask, listTasks } from '../registry.ts';
import { LTH_REMAINING } from './frankle2019.ts';
import { TWELVE_TIMES } from './han2015.ts';
import { paperSuites } from './index.ts';

const sources = { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) };

describe.each(paperSuites.map((p) => [p.paper.id, p] as const))('paper %s', (id, paper) => {
  it('has a valid suite, registered as paper-<id>, over registered tasks and methods', () => {
    expect(paper.suite.id).toBe(`paper-${id}`);
    expect(getSuite(paper.suite.id)).toBe(paper.suite);
    expect(checkSuite(paper.suite, new Set(listTasks().map((t) => t.id)), new Set(methodIds()))).toEqual([]);
    for (const s of paper.suite.sparsities) expect(s > 0 && s < 1).toBe(true);
  });

  it('has unique claim ids that the reproduction schema accepts, and non-negative tolerances', () => {
    const ids = paper.claims.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of paper.claims) {
      expect(c.id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(c.tolerance).toBeGreaterThanOrEqual(0);
      expect(c.source.length).toBeGreaterThan(20);
    }
    expect(schemaProblems('reproduction', { paper: paper.paper }).filter((p) => p.startsWith('/paper'))).toEqual([]);
  });

  it('declares every claim not run before anything ran', () => {
    for (const claim of paper.claims) expect(evaluateClaim(claim, aggregate([])).verdict).toBe('not run');
  });

  it('measures every claim from its own suite: with a record for every job, no claim is left not run', () => {
    const plan = planSuite(paper.suite, sources);
    expect(plan.skipped).toEqual([]);
    const records = recordsForPlan(plan, (spec) => ({
      denseAccuracy: 0.97,
      accuracy: spec.method === null ? 0.97 : 0.9 + spec.seed * 0.01,
      planted: { recall: 0.3, strongTicketScore: 0.4, plantedScore: 0.975 },
    }));
    for (const claim of paper.claims) {
      const outcome = evaluateClaim(claim, aggregate(records));
      expect(outcome.missing, claim.id).toEqual([]);
      expect(['reproduced', 'not reproduced'], claim.id).toContain(outcome.verdict);
    }
  });
});

describe('Frankle & Carbin 2019', () => {
  /** Weights left in LeNet-300-100 after r rounds at 20% per layer (10% for the output layer). */
  const remainingAfter = (rounds: number) =>
    (Math.round(235_200 * 0.8 ** rounds) + Math.round(30_000 * 0.8 ** rounds) + Math.round(1_000 * 0.9 ** rounds)) / 266_200;

  it("uses the paper's Pm, which are rounds 3, 7, 12, 15 and 18 of its pruning schedule", () => {
    const rounds = [3, 7, 12, 15, 18];
    LTH_REMAINING.forEach((pm, i) => expect(Math.abs(remainingAfter(rounds[i]) - pm)).toBeLessThan(0.0005));
  });

  it('runs each Pm at sparsity 1 − Pm, with the reinit control', () => {
    const suite = paperSuites.find((p) => p.paper.id === 'frankle2019')!.suite;
    expect(suite.sparsities).toEqual([0.487, 0.789, 0.93, 0.964, 0.981]);
    expect(suite.controls).toEqual(['reinit']);
  });
});

describe('Han et al. 2015', () => {
  it('prunes to 12× compression', () => {
    expect(1 / (1 - TWELVE_TIMES)).toBeCloseTo(12, 9);
    expect(paperSuites.find((p) => p.paper.id === 'han2015')!.suite.sparsities).toEqual([TWELVE_TIMES]);
  });
});

describe("Fischer & Burkholz 2022 (Plant 'n' Seek)", () => {
  it('runs at the nearest thousandth of sparsity that still keeps as many weights as the planted Circle ticket has', () => {
    const suite = paperSuites.find((p) => p.paper.id === 'fischer2022')!.suite;
    const definition = plantedTaskDefinitions().find((d) => d.id === suite.tasks[0])!;
    for (const seed of suite.seeds) {
      const task = generateFromDefinition(definition, seed);
      const planted = task.plantedEdgesPerLayer.reduce((sum, l) => sum + l.planted, 0);
      const total = task.plantedEdgesPerLayer.reduce((sum, l) => sum + l.total, 0);
      const kept = (s: number) => total - Math.round(s * total);
      const sparsity = Math.max(...suite.sparsities);
      expect(kept(sparsity)).toBeGreaterThanOrEqual(planted);
      expect(kept(sparsity + 0.001)).toBeLessThan(planted);
    }
  });
});
