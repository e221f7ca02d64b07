/** Text of `prunebench planted`: the generated ticket's density, planted edges, output scales and own test score. */
import { mlpWidths } from './architecture.ts';
import { plantedTicketScore } from './ticket-score.ts';
import { generatePlantedTask } from './generate.ts';
import type { PlantedTarget } from './targets.ts';

const TARGETS: readonly PlantedTarget[] = ['circle', 'relu', 'helix', 'disparity'];

export interface PlantedCommandArgs {
  target: string;
  depth: number;
  width: number;
  seed: number;
  json: boolean;
}

export function plantedCommand(args: PlantedCommandArgs): string {
  if (!(TARGETS as readonly string[]).includes(args.target)) {
    throw new Error(`planted: unknown target '${args.target}' (known: ${TARGETS.join(', ')})`);
  }
  const task = generatePlantedTask({ target: args.target as PlantedTarget, depth: args.depth, width: args.width, seed: args.seed });
  const score = plantedTicketScore(task);
  const planted = task.plantedEdgesPerLayer.reduce((sum, layer) => sum + layer.planted, 0);
  const total = task.plantedEdgesPerLayer.reduce((sum, layer) => sum + layer.total, 0);
  const widths = mlpWidths(task.architecture);
  const fallbacks = task.fallbacksPerLayer.reduce((a, b) => a + b, 0);
  const plantedNeurons = task.target.layers.reduce((sum, layer) => sum + layer.nOut, 0);

  if (args.json) {
    return JSON.stringify(
      {
        target: args.target,
        depth: args.depth,
        width: args.width,
        seed: args.seed,
        widths,
        kind: task.kind,
        plantedDensity: task.plantedDensity,
        plantedEdges: planted,
        kernelWeights: total,
        plantedEdgesPerLayer: task.plantedEdgesPerLayer,
        fallbacksPerLayer: task.fallbacksPerLayer,
        outputScales: Array.from(task.outputScales),
        score: { metric: score.metric, value: score.score, testSamples: task.splits.test.n, groups: score.groupScores },
      },
      null,
      2,
    );
  }

  const lines = [
    `planted ${args.target} ticket: depth ${args.depth}, width ${args.width}, seed ${args.seed} (${task.kind})`,
    `mother widths: [${widths.join(', ')}]`,
    `planted density: ${(100 * task.plantedDensity).toFixed(4)}% (${planted} of ${total} kernel weights)`,
    'planted edges per layer:',
    ...task.plantedEdgesPerLayer.map(
      (layer, l) =>
        `  ${layer.name.padEnd(12)} ${String(layer.planted).padStart(5)} / ${String(layer.total).padEnd(6)} ${(100 * (layer.planted / layer.total)).toFixed(3).padStart(8)}%  fallback neurons ${task.fallbacksPerLayer[l]}`,
    ),
    `fallback placements: ${fallbacks} of ${plantedNeurons} planted neurons`,
    `output scales: ${Array.from(task.outputScales, (s) => s.toPrecision(4)).join(' ')}`,
    `planted ticket test ${score.metric}: ${formatScore(score.metric, score.score)} (${task.splits.test.n} samples${score.metric === 'mse' ? ', after per-output least-squares rescaling' : ''})`,
    ...score.groupScores.map((g) => `  group ${g.group}: ${formatScore(score.metric, g.score)} (${g.n} samples)`),
  ];
  return lines.join('\n');
}

function formatScore(metric: 'accuracy' | 'mse', value: number): string {
  return metric === 'accuracy' ? value.toFixed(4) : value.toExponential(3);
}
