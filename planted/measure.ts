/**
 * Measures the planted density and the planted ticket's own test score for each target at depths
 * 3, 5 and 10 (width 100, seeds 0–2) and prints the Markdown table of planted/README.md.
 * Run: npx tsx planted/measure.ts
 */
import { plantedTicketScore } from './ticket-score.ts';
import { generatePlantedTask } from './generate.ts';
import type { PlantedTarget } from './targets.ts';

const TARGETS: PlantedTarget[] = ['relu', 'circle', 'helix', 'disparity'];
const DEPTHS = [3, 5, 10];
const WIDTH = 100;
const SEEDS = [0, 1, 2];

function format(metric: string, value: number): string {
  return metric === 'accuracy' ? value.toFixed(4) : value.toExponential(2);
}

const rows = [
  '| target | depth | planted edges | density | fallback neurons (mean) | ticket test score, mean (min – max) over seeds 0–2 |',
  '|---|---|---|---|---|---|',
];
for (const target of TARGETS) {
  for (const depth of DEPTHS) {
    const tasks = SEEDS.map((seed) => generatePlantedTask({ target, depth, width: WIDTH, seed }));
    const scores = tasks.map((task) => plantedTicketScore(task));
    const values = scores.map((s) => s.score);
    const metric = scores[0].metric;
    const planted = tasks[0].plantedEdgesPerLayer.reduce((sum, l) => sum + l.planted, 0);
    const neurons = tasks[0].target.layers.reduce((sum, l) => sum + l.nOut, 0);
    const fallbacks = tasks.reduce((sum, t) => sum + t.fallbacksPerLayer.reduce((a, b) => a + b, 0), 0) / tasks.length;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    rows.push(
      `| ${target} | ${depth} | ${planted} (${tasks[0].plantedEdgesPerLayer.map((l) => l.planted).join('+')}) | ${(100 * tasks[0].plantedDensity).toFixed(3)}% | ${fallbacks.toFixed(1)} of ${neurons} | ${metric} ${format(metric, mean)} (${format(metric, Math.min(...values))} – ${format(metric, Math.max(...values))}) |`,
    );
  }
}
console.log(rows.join('\n'));
