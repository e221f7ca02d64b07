import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { arraysDigest, readArrayFile, writeArrayFile } from '../../engine/array-file.ts';
import { trunkLevelFromFile, trunkLevelToFile, type TrunkLevel } from '../prune/trunk-level.ts';

interface TrunkFileMeta {
  trunkKey: string;
  /** arraysDigest of the level's arrays, checked on every load. */
  sha256: string;
  level: unknown;
}

/**
 * Trunk levels of trunk methods (imp, imp-rewind), by trunk key (trunk-plan.ts) and level, written
 * only by the harness from levels it has checked. Like the dense checkpoints, each file carries a
 * content hash: a damaged, altered or (by `check`) refused file is discarded with a warning and its
 * rounds are trained again.
 */
export class TrunkCache {
  constructor(readonly dir: string) {}

  pathFor(trunkKey: string, level: number): string {
    return join(this.dir, 'trunks', trunkKey.slice(0, 32), `level-${level}.trunk`);
  }

  save(trunkKey: string, level: TrunkLevel): void {
    const { arrays, meta } = trunkLevelToFile(level);
    writeArrayFile(this.pathFor(trunkKey, level.level), arrays, {
      trunkKey,
      sha256: arraysDigest(arrays),
      level: meta,
    } satisfies TrunkFileMeta);
  }

  /** The level, or null when absent or unusable. `check` throws for a level the job cannot use. */
  load(trunkKey: string, level: number, check: (level: TrunkLevel) => void): TrunkLevel | null {
    const file = this.pathFor(trunkKey, level);
    if (!existsSync(file)) return null;
    let problem: string;
    try {
      const { arrays, meta } = readArrayFile(file);
      const m = meta as Partial<TrunkFileMeta> | null;
      if (m?.trunkKey !== trunkKey) problem = 'written for another trunk';
      else if (m.sha256 !== arraysDigest(arrays)) problem = m.sha256 ? 'its content does not match its hash' : 'it has no content hash';
      else {
        const loaded = trunkLevelFromFile(arrays, m.level);
        if (loaded.level !== level) throw new Error(`it holds level ${loaded.level}`);
        check(loaded);
        return loaded;
      }
    } catch (e) {
      problem = (e as Error).message;
    }
    process.emitWarning(
      `trunk level ${file} is unusable (${problem}); discarding it and training its rounds again`,
      'PruneBenchCacheWarning',
    );
    rmSync(file, { force: true });
    return null;
  }

  /** The deepest usable level from `maxLevel` down to 1, or null. */
  deepest(trunkKey: string, maxLevel: number, check: (level: TrunkLevel) => void): TrunkLevel | null {
    for (let level = maxLevel; level >= 1; level--) {
      const found = this.load(trunkKey, level, check);
      if (found) return found;
    }
    return null;
  }
}
