import { describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointCache } from './checkpoints.ts';

const weights = { 'fc1/kernel': Float32Array.from([0.5, -0.25, 1]), 'fc1/bias': Float32Array.from([0.1, 0.2]) };

describe('dense checkpoint cache', () => {
  it('round-trips weights', () => {
    const cache = new CheckpointCache(mkdtempSync(join(tmpdir(), 'pb-ckpt-')));
    cache.save('0123456789abcdef', weights);
    expect(cache.load('0123456789abcdef')).toEqual(weights);
  });

  it('discards a checkpoint with one flipped bit, with a warning, so the dense model is retrained', () => {
    const cache = new CheckpointCache(mkdtempSync(join(tmpdir(), 'pb-ckpt-')));
    cache.save('0123456789abcdef', weights);
    const file = cache.pathFor('0123456789abcdef');
    const bytes = readFileSync(file);
    bytes[bytes.length - 2] ^= 0x01;
    writeFileSync(file, bytes);
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    expect(cache.load('0123456789abcdef')).toBeNull();
    expect(warnings).toHaveBeenCalledWith(
      expect.stringMatching(/dense checkpoint .* is unusable \(its content does not match its hash\)/),
      'PruneBenchCacheWarning',
    );
    expect(existsSync(file)).toBe(false);
    warnings.mockRestore();
  });

  it('discards a checkpoint of another job and one without a content hash', () => {
    const cache = new CheckpointCache(mkdtempSync(join(tmpdir(), 'pb-ckpt-')));
    cache.save('aaaaaaaaaaaaaaaa', weights);
    writeFileSync(cache.pathFor('bbbbbbbbbbbbbbbb'), readFileSync(cache.pathFor('aaaaaaaaaaaaaaaa')));
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    expect(cache.load('bbbbbbbbbbbbbbbb')).toBeNull();
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('written for another dense job'), 'PruneBenchCacheWarning');
    warnings.mockRestore();
  });
});
