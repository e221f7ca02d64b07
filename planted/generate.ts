/** One planted-ticket task from its parameters and a seed: mother network, planted ticket, truth masks and data. */
import { Rng } from '../engine/rng.ts';
import type { ArchitectureSpec } from '../engine/architecture.ts';
import type { Dataset, MaskMap, TaskKind, WeightMap } from '../engine/types.ts';
import { biasName, kernelName, mlpArchitecture } from './architecture.ts';
import { generatePlantedData, inputDimension, isClassification, outputDimension } from './data.ts';
import { initialiseMother, plantTarget } from './plant.ts';
import { type TargetNetwork, widestHiddenLayer } from './target-network.ts';
import { type PlantedTarget, buildTarget } from './targets.ts';

export interface PlantedTaskOptions {
  target: PlantedTarget;
  /** Weight layers of the mother network (and the target): L − 1 hidden layers. */
  depth: number;
  width: number;
  seed: number;
  /** Uniform label noise on the training labels (classification only). Default 0. */
  labelNoise?: number;
  /** Runner-up (adjacent ring) label noise of Circle, all splits. Default 0.01 for circle, 0 otherwise. */
  adjacentLabelNoise?: number;
  /** Default 10,000. */
  samples?: number;
  /** Default 0.9. */
  trainFraction?: number;
  /** Disparity only: share of the minority group. Default 0.1. */
  minorityFraction?: number;
}

export interface PlantedEdgeCount {
  /** Kernel name, e.g. 'fc2/kernel'. */
  name: string;
  planted: number;
  total: number;
}

export interface SubTicketMask {
  name: string;
  /** The data group this sub-ticket serves (disparity: majority 0, minority 1), or null. */
  group: number | null;
  /** Kernels and biases, like truthMask. */
  mask: MaskMap;
}

export interface PlantedTask {
  options: Required<PlantedTaskOptions>;
  kind: TaskKind;
  architecture: ArchitectureSpec;
  /** The mother network with the ticket planted: 'fc{l}/kernel' (n_in × n_out, row-major) and 'fc{l}/bias'. */
  weights: WeightMap;
  /** 1 on the planted kernel edges and on the biases of planted neurons; same names as weights. */
  truthMask: MaskMap;
  /** One entry per sub-ticket; the disparity task has 'majority' (group 0) and 'minority' (group 1). */
  subTicketMasks: SubTicketMask[];
  /** The masked network computes diag(outputScales) · f_target (all equal for classification). */
  outputScales: Float32Array;
  /** Planted kernel edges / all kernel weights. */
  plantedDensity: number;
  plantedEdgesPerLayer: PlantedEdgeCount[];
  /** Target neurons placed by the fallback rule (no sign-consistent mother neuron left), per layer. */
  fallbacksPerLayer: number[];
  target: TargetNetwork;
  splits: { train: Dataset; test: Dataset };
  /** Training labels before uniform label noise (classification), null for regression. */
  cleanTrainLabels: Int32Array | null;
}

export function resolveOptions(options: PlantedTaskOptions): Required<PlantedTaskOptions> {
  return {
    target: options.target,
    depth: options.depth,
    width: options.width,
    seed: options.seed,
    labelNoise: options.labelNoise ?? 0,
    adjacentLabelNoise: options.adjacentLabelNoise ?? (options.target === 'circle' ? 0.01 : 0),
    samples: options.samples ?? 10_000,
    trainFraction: options.trainFraction ?? 0.9,
    minorityFraction: options.minorityFraction ?? 0.1,
  };
}

export function plantedArchitectureId(options: Pick<PlantedTaskOptions, 'target' | 'depth' | 'width'>): string {
  return `planted-${options.target}-mlp-d${options.depth}-w${options.width}`;
}

export function generatePlantedTask(input: PlantedTaskOptions): PlantedTask {
  const options = resolveOptions(input);
  const { target: targetName, depth, width, seed } = options;
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`planted task: seed must be a nonnegative integer, got ${seed}`);
  const target = buildTarget(targetName, depth);
  if (widestHiddenLayer(target) > width) {
    throw new Error(`planted task: the ${targetName} target at depth ${depth} needs width ≥ ${widestHiddenLayer(target)}, got ${width}`);
  }
  const dIn = inputDimension(targetName);
  const dOut = outputDimension(targetName);
  const architecture = mlpArchitecture(plantedArchitectureId(options), dIn, width, depth, dOut);
  const widths = [dIn, ...Array<number>(depth - 1).fill(width), dOut];
  const rng = new Rng(seed);
  const classification = isClassification(targetName);
  const planting = plantTarget(target, initialiseMother(widths, rng.fork('mother')), { sharedOutputScale: classification });

  const toMaskMap = (kernels: Float32Array[], biases: Float32Array[]): MaskMap => {
    const map: MaskMap = {};
    for (let l = 0; l < depth; l++) {
      map[kernelName(l + 1)] = kernels[l];
      map[biasName(l + 1)] = biases[l];
    }
    return map;
  };
  const weights = toMaskMap(planting.mother.kernels, planting.mother.biases);
  const truthMask = toMaskMap(planting.kernelMasks, planting.biasMasks);
  const plantedEdgesPerLayer = planting.kernelMasks.map((mask, l) => ({
    name: kernelName(l + 1),
    planted: countOnes(mask),
    total: mask.length,
  }));
  const planted = plantedEdgesPerLayer.reduce((sum, layer) => sum + layer.planted, 0);
  const total = plantedEdgesPerLayer.reduce((sum, layer) => sum + layer.total, 0);

  const data = generatePlantedData(
    {
      target: targetName,
      samples: options.samples,
      trainFraction: options.trainFraction,
      adjacentLabelNoise: options.adjacentLabelNoise,
      labelNoise: options.labelNoise,
      minorityFraction: options.minorityFraction,
    },
    rng.fork('data'),
  );

  return {
    options,
    kind: classification ? 'classification' : 'regression',
    architecture,
    weights,
    truthMask,
    subTicketMasks: planting.subTicketMasks.map((m, q) => ({
      name: m.name,
      group: targetName === 'disparity' ? q : null,
      mask: toMaskMap(m.kernelMasks, m.biasMasks),
    })),
    outputScales: Float32Array.from(planting.outputScales),
    plantedDensity: planted / total,
    plantedEdgesPerLayer,
    fallbacksPerLayer: planting.layers.map((layer) => layer.fallbacks),
    target,
    splits: { train: data.train, test: data.test },
    cleanTrainLabels: data.cleanTrainLabels,
  };
}

/** The kernel entries of a weight or mask map: the prunable parameters, e.g. for MaskedNetwork.setMasks. */
export function kernelsOnly(map: MaskMap): MaskMap {
  return Object.fromEntries(Object.entries(map).filter(([name]) => name.endsWith('/kernel')));
}

function countOnes(mask: Float32Array): number {
  let count = 0;
  for (const v of mask) if (v === 1) count++;
  return count;
}
