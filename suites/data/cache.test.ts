import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset, Splits } from '../../engine/types.ts';
import { CacheFileError, cachedSplits, contentKey, readCacheFile, writeCacheFile } from './cache.ts';
import { loadSplitsWithCacheStatus } from './index.ts';
import { sameSplits } from '../../harness/testing/same-data.ts';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-cache-'));
  temps.push(dir);
  return dir;
};

function dataset(n: number, offset: number): Dataset {
  return {
    n,
    inputShape: [2, 1, 1],
    x: Float32Array.from({ length: 2 * n }, (_, i) => offset + i / 7),
    y: Int32Array.from({ length: n }, (_, i) => i % 3),
    outputSize: 3,
  };
}
const smallSplits = (): Splits => ({
  train: { ...dataset(5, 0), groups: Int32Array.from([4, 3, 2, 1, 0]) },
  validation: dataset(2, 10),
  test: dataset(3, 20),
});

describe('cache files', () => {
  it('round-trips float32 and int32 arrays with a header of any length', () => {
    const dir = temp();
    for (const meta of [null, { note: 'x'.repeat(13) }, { note: 'é' }]) {
      const file = join(dir, 'a.bin');
      writeCacheFile(file, 'k1', { a: Float32Array.from([1.5, -2, 3]), b: Int32Array.from([7, -8]), empty: new Float32Array(0) }, meta);
      const { arrays, meta: back } = readCacheFile(file, 'k1');
      expect(arrays.a).toEqual(Float32Array.from([1.5, -2, 3]));
      expect(arrays.b).toEqual(Int32Array.from([7, -8]));
      expect(arrays.empty.length).toBe(0);
      expect(back).toEqual(meta);
    }
    expect(readdirSync(dir)).toEqual(['a.bin']);
  });

  it('detects a truncated file, a damaged header, a foreign file and another key', () => {
    const dir = temp();
    const file = join(dir, 'a.bin');
    writeCacheFile(file, 'k1', { a: Float32Array.from([1, 2, 3, 4]) }, null);
    const whole = readFileSync(file);
    expect(() => readCacheFile(file, 'k2')).toThrow(`${file}: written for another key`);
    writeFileSync(file, whole.subarray(0, whole.length - 4));
    expect(() => readCacheFile(file, 'k1')).toThrow(`${file}: ${whole.length - 4} bytes, the header describes ${whole.length}`);
    writeFileSync(file, Buffer.concat([whole, Buffer.from([0, 0, 0, 0])]));
    expect(() => readCacheFile(file, 'k1')).toThrow(CacheFileError);
    const damaged = Buffer.from(whole);
    damaged[12] = 0x78;
    writeFileSync(file, damaged);
    expect(() => readCacheFile(file, 'k1')).toThrow(`${file}: unreadable header`);
    writeFileSync(file, 'something else entirely');
    expect(() => readCacheFile(file, 'k1')).toThrow(`${file}: not a PruneBench data cache file`);
  });

  it('gives different keys for different split parameters', () => {
    expect(contentKey({ dataset: 'mnist', seed: 1 })).not.toBe(contentKey({ dataset: 'mnist', seed: 2 }));
    expect(contentKey({ dataset: 'mnist', seed: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('cachedSplits', () => {
  it('builds once, then answers from the cache with equal data', () => {
    const dir = temp();
    const build = vi.fn(smallSplits);
    const first = cachedSplits('key-a', 'toy', build, dir);
    const second = cachedSplits('key-a', 'toy', build, dir);
    expect([first.status, second.status]).toEqual(['built', 'hit']);
    expect(build).toHaveBeenCalledTimes(1);
    expect(second.splits).toEqual(smallSplits());
    expect(cachedSplits('key-b', 'toy', build, dir).status).toBe('built');
  });

  it('rebuilds and replaces a corrupt cache file instead of trusting it', () => {
    const dir = temp();
    const build = vi.fn(smallSplits);
    const { file } = cachedSplits('key-a', 'toy', build, dir);
    const whole = readFileSync(file);
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    writeFileSync(file, whole.subarray(0, 40));
    const rebuilt = cachedSplits('key-a', 'toy', build, dir);
    expect(rebuilt.status).toBe('rebuilt');
    expect(rebuilt.splits).toEqual(smallSplits());
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining(`${file}: `), 'PruneBenchCacheWarning');
    expect(readFileSync(file)).toEqual(whole);
    expect(cachedSplits('key-a', 'toy', build, dir).status).toBe('hit');
    expect(build).toHaveBeenCalledTimes(2);
    warnings.mockRestore();
  });

  it('detects one flipped bit inside the arrays (same length, header intact) and rebuilds', () => {
    const dir = temp();
    const build = vi.fn(smallSplits);
    const { file } = cachedSplits('key-a', 'toy', build, dir);
    const whole = readFileSync(file);
    const flipped = Buffer.from(whole);
    flipped[flipped.length - 3] ^= 0x10;
    writeFileSync(file, flipped);
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const rebuilt = cachedSplits('key-a', 'toy', build, dir);
    expect(rebuilt.status).toBe('rebuilt');
    expect(rebuilt.splits).toEqual(smallSplits());
    expect(warnings).toHaveBeenCalledWith(`${file}: content does not match its hash; rebuilding it`, 'PruneBenchCacheWarning');
    expect(readFileSync(file)).toEqual(whole);
    warnings.mockRestore();
  });

  it('still returns the data when the cache cannot be written', () => {
    const dir = temp();
    const blocker = join(dir, 'not-a-directory');
    writeFileSync(blocker, '');
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const outcome = cachedSplits('key-a', 'toy', smallSplits, join(blocker, 'data'));
    expect(outcome.status).toBe('uncached');
    expect(outcome.splits).toEqual(smallSplits());
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('could not write the data cache'), 'PruneBenchCacheWarning');
    warnings.mockRestore();
  });
});

describe('loadSplits with the cache', () => {
  it('answers the second MNIST load from the cache and rebuilds a corrupt one', () => {
    const dir = temp();
    const opts = { validationSize: 300, seed: 3, trainSubset: 1500, testSubset: 500, cacheDir: dir };
    const first = loadSplitsWithCacheStatus('mnist', opts);
    const second = loadSplitsWithCacheStatus('mnist', opts);
    expect([first.status, second.status]).toEqual(['built', 'hit']);
    expect(sameSplits(second.splits, first.splits)).toBe(true);
    expect(loadSplitsWithCacheStatus('mnist', { ...opts, seed: 4 }).status).toBe('built');
    const file = second.file!;
    const bytes = readFileSync(file);
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    writeFileSync(file, bytes.subarray(0, bytes.length - 1000));
    const rebuilt = loadSplitsWithCacheStatus('mnist', opts);
    expect(rebuilt.status).toBe('rebuilt');
    expect(sameSplits(rebuilt.splits, first.splits)).toBe(true);
    warnings.mockRestore();
  });
});
