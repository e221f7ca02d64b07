/** The planted-ticket task definitions the harness registers (suites/ wraps them into TaskDefinitions). */
import type { TaskKind } from '../engine/types.ts';
import { type PlantedTask, generatePlantedTask, resolveOptions } from './generate.ts';
import { isClassification } from './data.ts';
import type { PlantedTarget } from './targets.ts';

/**
 * Version of the generator (targets, planting, data). Bump it whenever a change in planted/ changes
 * any generated number; every planted task's version includes it.
 */
export const PLANTED_GENERATOR_VERSION = '1';

export interface PlantedTaskDefinition {
  id: string;
  version: string;
  description: string;
  target: PlantedTarget;
  depth: number;
  width: number;
  samples: number;
  /** Uniform training-label noise (classification). */
  labelNoise: number;
  /** Circle's runner-up (adjacent ring) label noise, all splits. */
  adjacentLabelNoise: number;
  /** Disparity: share of the minority group; 0 for the other targets. */
  minorityFraction: number;
  kind: TaskKind;
  /** Disparate-impact groups: the group attribute for disparity, class labels otherwise. */
  groupBy: 'class' | 'attribute';
}

interface DefinitionInput {
  id: string;
  description: string;
  target: PlantedTarget;
  depth: number;
  width: number;
  samples?: number;
  labelNoise?: number;
  adjacentLabelNoise?: number;
}

function define(input: DefinitionInput): PlantedTaskDefinition {
  const resolved = resolveOptions({ ...input, seed: 0 });
  return {
    id: input.id,
    version: PLANTED_GENERATOR_VERSION,
    description: input.description,
    target: input.target,
    depth: input.depth,
    width: input.width,
    samples: resolved.samples,
    labelNoise: resolved.labelNoise,
    adjacentLabelNoise: resolved.adjacentLabelNoise,
    minorityFraction: input.target === 'disparity' ? resolved.minorityFraction : 0,
    kind: isClassification(input.target) ? 'classification' : 'regression',
    groupBy: input.target === 'disparity' ? 'attribute' : 'class',
  };
}

const PAPER = "after Plant 'n' Seek (Fischer & Burkholz 2022)";
const TINY_SAMPLES = 1000;

export function plantedTaskDefinitions(): PlantedTaskDefinition[] {
  const circleAt = (depth: number) =>
    define({
      id: `planted-circle-d${depth}-w100`,
      target: 'circle',
      depth,
      width: 100,
      description: `Circle (4 rings, 1% adjacent-ring label noise) planted in a depth-${depth}, width-100 ReLU MLP, ${PAPER}.`,
    });
  const noisyCircle = (percent: number) =>
    define({
      id: `planted-circle-noise${percent}-d5-w100`,
      target: 'circle',
      depth: 5,
      width: 100,
      adjacentLabelNoise: 0,
      labelNoise: percent / 100,
      description: `Circle planted in a depth-5, width-100 ReLU MLP; ${percent}% of the training labels replaced by another class uniformly, test labels clean.`,
    });
  return [
    circleAt(5),
    define({
      id: 'planted-relu-d5-w100',
      target: 'relu',
      depth: 5,
      width: 100,
      description: `ReLU regression (y = max(0, x) + N(0, 0.01²)) planted in a depth-5, width-100 ReLU MLP, ${PAPER}.`,
    }),
    define({
      id: 'planted-helix-d5-w100',
      target: 'helix',
      depth: 5,
      width: 100,
      description: `Helix regression (1 → 3, 30 hinges) planted in a depth-5, width-100 ReLU MLP, ${PAPER}.`,
    }),
    circleAt(3),
    circleAt(10),
    noisyCircle(0),
    noisyCircle(10),
    noisyCircle(30),
    define({
      id: 'planted-disparity-d5-w100',
      target: 'disparity',
      depth: 5,
      width: 100,
      description:
        'Two groups in a depth-5, width-100 ReLU MLP: the majority (90%) labelled by Circle rings, the minority (10%) by diagonal stripes, each by its own planted sub-ticket gated by a group-indicator input.',
    }),
    define({
      id: 'planted-circle-tiny',
      target: 'circle',
      depth: 3,
      width: 20,
      samples: TINY_SAMPLES,
      description: 'Circle planted in a depth-3, width-20 MLP, 1,000 samples: smoke tests and CI.',
    }),
    define({
      id: 'planted-relu-tiny',
      target: 'relu',
      depth: 3,
      width: 20,
      samples: TINY_SAMPLES,
      description: 'ReLU planted in a depth-3, width-20 MLP, 1,000 samples: smoke tests and CI.',
    }),
    define({
      id: 'planted-helix-tiny',
      target: 'helix',
      depth: 3,
      width: 40,
      samples: TINY_SAMPLES,
      description: 'Helix planted in a depth-3, width-40 MLP, 1,000 samples: smoke tests and CI.',
    }),
    define({
      id: 'planted-disparity-tiny',
      target: 'disparity',
      depth: 3,
      width: 30,
      samples: TINY_SAMPLES,
      description: 'The disparity task in a depth-3, width-30 MLP, 1,000 samples: smoke tests and CI.',
    }),
  ];
}

/** Generates the task of a definition for one seed (mother network, planted ticket and data all follow from it). */
export function generateFromDefinition(definition: PlantedTaskDefinition, seed: number): PlantedTask {
  return generatePlantedTask({
    target: definition.target,
    depth: definition.depth,
    width: definition.width,
    seed,
    samples: definition.samples,
    labelNoise: definition.labelNoise,
    adjacentLabelNoise: definition.adjacentLabelNoise,
    ...(definition.target === 'disparity' ? { minorityFraction: definition.minorityFraction } : {}),
  });
}
