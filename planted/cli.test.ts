import { describe, expect, it } from 'vitest';
import { plantedCommand } from './cli.ts';
import { plantedTicketScore } from './ticket-score.ts';
import { generatePlantedTask } from './generate.ts';

describe('plantedCommand', () => {
  const args = { target: 'circle', depth: 4, width: 30, seed: 3 };
  const task = generatePlantedTask({ target: 'circle', depth: 4, width: 30, seed: 3 });

  it('prints density, edges per layer, output scales and the ticket score', () => {
    const text = plantedCommand({ ...args, json: false });
    const planted = task.plantedEdgesPerLayer.reduce((s, l) => s + l.planted, 0);
    const total = task.plantedEdgesPerLayer.reduce((s, l) => s + l.total, 0);
    expect(text).toContain(`planted density: ${(100 * task.plantedDensity).toFixed(4)}% (${planted} of ${total} kernel weights)`);
    for (const layer of task.plantedEdgesPerLayer) expect(text).toMatch(new RegExp(`${layer.name}\\s+${layer.planted} / ${layer.total}`));
    expect(text).toContain(`output scales: ${Array.from(task.outputScales, (s) => s.toPrecision(4)).join(' ')}`);
    expect(text).toContain(`planted ticket test accuracy: ${plantedTicketScore(task).score.toFixed(4)}`);
  });

  it('prints the same facts as JSON', () => {
    const json = JSON.parse(plantedCommand({ ...args, json: true }));
    expect(json.plantedDensity).toBe(task.plantedDensity);
    expect(json.plantedEdgesPerLayer).toEqual(task.plantedEdgesPerLayer);
    expect(json.outputScales).toEqual(Array.from(task.outputScales));
    expect(json.score).toMatchObject({ metric: 'accuracy', value: plantedTicketScore(task).score, testSamples: 1000 });
    expect(json.widths).toEqual([2, 30, 30, 30, 4]);
  });

  it('rejects an unknown target', () => {
    expect(() => plantedCommand({ ...args, target: 'spiral', json: false })).toThrow(/unknown target 'spiral'/);
  });
});
