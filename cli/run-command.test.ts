import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from './run-command.ts';

describe('run --set', () => {
  it('refuses an invalid override before any job runs: no record, no checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunebench-set-'));
    const results = join(dir, 'results');
    const cache = join(dir, 'cache');
    const lines: string[] = [];
    const attempt = (set: string[]) =>
      runCommand({ suite: 'smoke', methods: ['snip'], set, results, cache, progress: false }, (l) => lines.push(l));
    await expect(attempt(['snip.batches=0'])).rejects.toThrow("method 'snip': hyperparameter 'batches' = '0' must be ≥ 1");
    await expect(attempt(['snip.batchsize=10'])).rejects.toThrow(
      "method 'snip' has no hyperparameter 'batchsize' (it has: batches, batchSize)",
    );
    await expect(attempt(['random.seed=1'])).rejects.toThrow(
      "hyperparameter overrides name method 'random', which this plan does not run (it runs: snip)",
    );
    expect(lines).toEqual([]);
    expect([existsSync(results), existsSync(cache)]).toEqual([false, false]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
