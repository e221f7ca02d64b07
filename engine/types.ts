/** Shapes shared by every part of the engine. Plain typed arrays cross module boundaries; tensors stay inside. */

export type TaskKind = 'classification' | 'regression';

/** One split of a data set, stored row-major. */
export interface Dataset {
  /** Number of samples. */
  n: number;
  /** Shape of one input sample, e.g. [784] or [28, 28, 1]. */
  inputShape: number[];
  /** n × prod(inputShape) inputs. */
  x: Float32Array;
  /** Classification: n class labels. Regression: n × outputSize targets. */
  y: Int32Array | Float32Array;
  /** Number of classes (classification) or output dimension (regression). */
  outputSize: number;
  /** Optional protected-attribute group per sample (disparate impact); class labels are used when absent. */
  groups?: Int32Array;
}

export interface Splits {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

/** Named flat weight arrays, e.g. { 'fc1/kernel': Float32Array }. Shapes live beside them in a ShapeMap. */
export type WeightMap = Record<string, Float32Array>;
export type ShapeMap = Record<string, number[]>;
/** Binary masks (values exactly 0 or 1) over the prunable weights, by the same names. */
export type MaskMap = Record<string, Float32Array>;

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
