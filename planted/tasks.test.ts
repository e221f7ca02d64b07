import { describe, expect, it } from 'vitest';
import { plantedTicketScore } from './ticket-score.ts';
import { PLANTED_GENERATOR_VERSION, generateFromDefinition, plantedTaskDefinitions } from './tasks.ts';

describe('planted task definitions', () => {
  const definitions = plantedTaskDefinitions();

  it('have unique ids and include every task the suites name', () => {
    const ids = definitions.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      'planted-circle-d5-w100',
      'planted-relu-d5-w100',
      'planted-helix-d5-w100',
      'planted-circle-d3-w100',
      'planted-circle-d10-w100',
      'planted-circle-noise0-d5-w100',
      'planted-circle-noise10-d5-w100',
      'planted-circle-noise30-d5-w100',
      'planted-disparity-d5-w100',
      'planted-circle-tiny',
    ]) {
      expect(ids).toContain(id);
    }
    for (const d of definitions) expect(d.version).toBe(PLANTED_GENERATOR_VERSION);
  });

  it('describe the label noise variants as clean Circle plus uniform training noise', () => {
    const noise = (id: string) => definitions.find((d) => d.id === id)!;
    expect([0, 10, 30].map((p) => noise(`planted-circle-noise${p}-d5-w100`).labelNoise)).toEqual([0, 0.1, 0.3]);
    for (const p of [0, 10, 30]) expect(noise(`planted-circle-noise${p}-d5-w100`).adjacentLabelNoise).toBe(0);
    expect(noise('planted-circle-d5-w100').adjacentLabelNoise).toBe(0.01);
    expect(noise('planted-disparity-d5-w100')).toMatchObject({ groupBy: 'attribute', minorityFraction: 0.1, kind: 'classification' });
    expect(noise('planted-helix-d5-w100').kind).toBe('regression');
  });

  it.each(plantedTaskDefinitions().map((d) => [d.id, d] as const))('%s generates a task whose ticket solves it', (_id, definition) => {
    const task = generateFromDefinition(definition, 0);
    expect(task.splits.train.n + task.splits.test.n).toBe(definition.samples);
    expect(task.kind).toBe(definition.kind);
    const score = plantedTicketScore(task).score;
    if (definition.kind === 'classification') expect(score).toBeGreaterThanOrEqual(0.94);
    else expect(score).toBeLessThan(1e-3);
  });
});
