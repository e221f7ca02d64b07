import type { MaskMap, WeightMap } from '../../engine/types.ts';

/**
 * One trunk level as the harness keeps it: the state of a trunk method's prune context after a
 * full round, taken by the context itself (the network, the named checkpoints, the training and
 * batch counters that name the next draws), with the arrays of the method's own bookkeeping.
 */
export interface TrunkLevel {
  level: number;
  /** Every parameter's value (pruned weights are 0). */
  weights: WeightMap;
  masks: MaskMap;
  /** The method's named checkpoints, without 'init' (the job's starting weights). */
  checkpoints: Record<string, WeightMap>;
  counters: { trainCalls: number; batchStreams: number };
  arrays: WeightMap;
}

/** How a prune context of a trunk method starts and where it reports the levels it reaches. */
export interface TrunkHost {
  start: TrunkLevel | null;
  /** Called once per level reached; may throw to stop the method (a level the harness refuses). */
  onLevel(level: TrunkLevel): void | Promise<void>;
}

/** Copies of a method's arrays, checked to be float32: a method cannot alter a level after giving it. */
export function copiedArrays(arrays: WeightMap): WeightMap {
  if (!arrays || typeof arrays !== 'object') throw new Error('trunk level: arrays must be an object of Float32Arrays');
  return Object.fromEntries(
    Object.entries(arrays).map(([name, array]) => {
      if (!(array instanceof Float32Array)) throw new Error(`trunk level: array '${name}' is not a Float32Array`);
      return [name, array.slice()];
    }),
  );
}

interface TrunkLevelMeta {
  level: number;
  counters: TrunkLevel['counters'];
  /** Checkpoint names by position: their arrays are `checkpoint/<position>/<parameter>`. */
  checkpoints: string[];
}

/** A level as named arrays and a JSON header, for an array file (engine/array-file.ts). */
export function trunkLevelToFile(level: TrunkLevel): { arrays: Record<string, Float32Array | Uint8Array>; meta: TrunkLevelMeta } {
  const arrays: Record<string, Float32Array | Uint8Array> = {};
  const put = (prefix: string, map: WeightMap) => {
    for (const [name, array] of Object.entries(map)) arrays[`${prefix}/${name}`] = array;
  };
  put('weights', level.weights);
  // A byte per mask entry, a quarter of float32: a LeNet-300-100 level is 3.4 MB instead of 4.3.
  for (const [name, mask] of Object.entries(level.masks)) {
    if (!mask.every((v) => v === 0 || v === 1)) throw new Error(`trunk level: mask '${name}' is not binary`);
    arrays[`masks/${name}`] = Uint8Array.from(mask);
  }
  put('arrays', level.arrays);
  const names = Object.keys(level.checkpoints).sort();
  names.forEach((name, i) => put(`checkpoint/${i}`, level.checkpoints[name]));
  return { arrays, meta: { level: level.level, counters: level.counters, checkpoints: names } };
}

/** The inverse of trunkLevelToFile; throws on a header or arrays that do not make a level. */
export function trunkLevelFromFile(arrays: Record<string, unknown>, meta: unknown): TrunkLevel {
  const m = meta as Partial<TrunkLevelMeta> | null;
  if (
    !m ||
    !Number.isInteger(m.level) ||
    !m.counters ||
    !Number.isInteger(m.counters.trainCalls) ||
    !Number.isInteger(m.counters.batchStreams) ||
    !Array.isArray(m.checkpoints)
  ) {
    throw new Error('not a trunk level (its header lacks level, counters or checkpoints)');
  }
  const level: TrunkLevel = {
    level: m.level!,
    weights: {},
    masks: {},
    checkpoints: Object.fromEntries(m.checkpoints.map((name) => [String(name), {}])),
    counters: { trainCalls: m.counters.trainCalls, batchStreams: m.counters.batchStreams },
    arrays: {},
  };
  for (const [key, array] of Object.entries(arrays)) {
    const slash = key.indexOf('/');
    const kind = key.slice(0, slash);
    const rest = key.slice(slash + 1);
    if (kind === 'masks') {
      if (!(array instanceof Uint8Array)) throw new Error(`trunk level mask '${key}' is not uint8`);
      level.masks[rest] = Float32Array.from(array);
      continue;
    }
    if (!(array instanceof Float32Array)) throw new Error(`trunk level array '${key}' is not float32`);
    if (kind === 'weights' || kind === 'arrays') level[kind][rest] = array;
    else if (kind === 'checkpoint') {
      const next = rest.indexOf('/');
      const name = m.checkpoints[Number(rest.slice(0, next))];
      if (name === undefined) throw new Error(`trunk level array '${key}' names no checkpoint`);
      level.checkpoints[name][rest.slice(next + 1)] = array;
    } else throw new Error(`trunk level array '${key}' is of no known kind`);
  }
  return level;
}
