/** Input validation shared by the metric functions. Every message names the function and the offending argument. */

export function requirePositiveInteger(fn: string, argument: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${fn}: ${argument} must be a positive integer, got ${value}`);
}

/** Number of rows of a row-major n × width array; rejects a length that is not a whole number of rows, and n = 0. */
export function rowCount(fn: string, argument: string, values: ArrayLike<number>, width: number, widthName: string): number {
  requirePositiveInteger(fn, widthName, width);
  if (values.length % width !== 0) {
    throw new Error(`${fn}: ${argument} has ${values.length} values, not a multiple of ${widthName} = ${width}`);
  }
  const n = values.length / width;
  if (n === 0) throw new Error(`${fn}: ${argument} is empty; a metric needs at least one sample`);
  return n;
}

export function requireLength(fn: string, argument: string, values: ArrayLike<number>, expected: number, expectedFrom: string): void {
  if (values.length !== expected) {
    throw new Error(`${fn}: ${argument} has ${values.length} entries, expected ${expected} (${expectedFrom})`);
  }
}

export function requireLabelsInRange(fn: string, labels: Int32Array, k: number): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0 || labels[i] >= k) throw new Error(`${fn}: labels[${i}] = ${labels[i]} is outside the classes 0..${k - 1}`);
  }
}

/** Rejects NaN, infinities and values outside [0, 1], which catches logits passed where probabilities belong. */
export function requireProbabilities(fn: string, probs: Float32Array): void {
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (!(p >= 0 && p <= 1)) throw new Error(`${fn}: probs[${i}] = ${p} is not a probability in [0, 1]`);
  }
}

export function requireFinite(fn: string, argument: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${fn}: ${argument}[${i}] = ${values[i]} is not finite`);
  }
}

export function requireUniqueNames(fn: string, argument: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`${fn}: ${argument} lists '${name}' twice`);
    seen.add(name);
  }
}
