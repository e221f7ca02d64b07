import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { readArrayFile, writeArrayFile } from '../../harness/engine/array-file.ts';
import type { RawImages } from './raw.ts';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PRUNEBENCH_CACHE_DIR ? join(env.PRUNEBENCH_CACHE_DIR, 'data') : fileURLToPath(new URL('../../.cache/prunebench/data/', import.meta.url));
}

/**
 * Decoded images cached on disk by a content key (the source files' hashes are part of it), so a
 * second load skips decoding. A cache file that does not read back whole is ignored and rebuilt.
 */
export function cachedRaw(key: string, build: () => RawImages, dir = cacheDir()): RawImages {
  const file = join(dir, `${key}.bin`);
  if (existsSync(file)) {
    try {
      const { arrays, meta } = readArrayFile(file);
      const m = meta as { key?: string; n?: number; shape?: [number, number, number] } | null;
      const pixels = arrays.pixels;
      const labels = arrays.labels;
      if (m?.key === key && m.n && m.shape && pixels instanceof Uint8Array && labels instanceof Int32Array && labels.length === m.n && pixels.length === m.n * m.shape[0] * m.shape[1] * m.shape[2]) {
        return { n: m.n, shape: m.shape, pixels, labels };
      }
    } catch {
      // corrupt or truncated: rebuilt below
    }
  }
  const raw = build();
  writeArrayFile(file, { pixels: raw.pixels, labels: raw.labels }, { key, n: raw.n, shape: raw.shape });
  return raw;
}
