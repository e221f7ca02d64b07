import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { WeightMap } from '../engine/types.ts';
import { readArrayFile, writeArrayFile } from '../engine/array-file.ts';

/**
 * Trained dense weights, cached by the dense job's identity so every sparse job of the same task
 * and seed reuses them instead of training the dense model again.
 */
export class CheckpointCache {
  constructor(readonly dir: string) {}

  pathFor(denseJobId: string): string {
    return join(this.dir, `${denseJobId}.weights`);
  }

  has(denseJobId: string): boolean {
    return existsSync(this.pathFor(denseJobId));
  }

  save(denseJobId: string, weights: WeightMap): void {
    writeArrayFile(this.pathFor(denseJobId), weights, { denseJobId });
  }

  /** The cached weights, or null when absent or unreadable (the dense model is then retrained). */
  load(denseJobId: string): WeightMap | null {
    if (!this.has(denseJobId)) return null;
    try {
      const { arrays, meta } = readArrayFile(this.pathFor(denseJobId));
      if ((meta as { denseJobId?: string } | null)?.denseJobId !== denseJobId) return null;
      for (const a of Object.values(arrays)) if (!(a instanceof Float32Array)) return null;
      return arrays as WeightMap;
    } catch {
      return null;
    }
  }
}
