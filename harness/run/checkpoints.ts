import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { WeightMap } from '../../engine/types.ts';
import { arraysDigest, readArrayFile, writeArrayFile } from '../../engine/array-file.ts';

interface CheckpointMeta {
  denseJobId: string;
  /** arraysDigest of the weights, checked on every load. */
  sha256: string;
}

/**
 * Trained dense weights, cached by the dense job's identity so every sparse job of the same task
 * and seed reuses them instead of training the dense model again. Each file carries a content hash:
 * a file that is damaged or was changed is discarded (with a warning) and the model retrained.
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
    writeArrayFile(this.pathFor(denseJobId), weights, { denseJobId, sha256: arraysDigest(weights) } satisfies CheckpointMeta);
  }

  /** The cached weights, or null when absent or unusable (the dense model is then retrained). */
  load(denseJobId: string): WeightMap | null {
    const file = this.pathFor(denseJobId);
    if (!existsSync(file)) return null;
    let problem: string;
    try {
      const { arrays, meta } = readArrayFile(file);
      const m = meta as Partial<CheckpointMeta> | null;
      if (m?.denseJobId !== denseJobId) problem = 'written for another dense job';
      else if (Object.values(arrays).some((a) => !(a instanceof Float32Array))) problem = 'holds arrays that are not float32';
      else if (m.sha256 !== arraysDigest(arrays)) problem = m.sha256 ? 'its content does not match its hash' : 'it has no content hash';
      else return arrays as WeightMap;
    } catch (e) {
      problem = (e as Error).message;
    }
    process.emitWarning(
      `dense checkpoint ${file} is unusable (${problem}); discarding it and retraining the dense model`,
      'PruneBenchCacheWarning',
    );
    rmSync(file, { force: true });
    return null;
  }
}
