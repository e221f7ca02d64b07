import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleVersionReason } from '../harness/jobs/versions.ts';
import { readRecordFile } from '../harness/store/store.ts';
import { prunebench, projectRoot } from './cli-helpers.ts';

/**
 * Committed records must stay reproducible: an engine change that moves a number (a kernel, the
 * optimiser, the loss) fails here, not silently on the leaderboard. One cheap record each for the
 * MLP path (LeNet-300-100) and the convolutional path (LeNet-5), dense references retrained too,
 * made under the current protocol and engine versions (bumping either needs them re-made).
 */
function firstRecord(task: string, method: string, sparsity: number): string {
  const dir = join(projectRoot, 'results', 'runs', task, method);
  const file = readdirSync(dir)
    .sort()
    .map((name) => join(dir, name))
    .find((f) => {
      const record = readRecordFile(f);
      return (
        record.status === 'ok' &&
        staleVersionReason(record.job) === null &&
        Math.abs(record.job.sparsity - sparsity) < 1e-9 &&
        record.environment.backend === 'wasm'
      );
    });
  if (!file)
    throw new Error(`no committed ${task}/${method} record at sparsity ${sparsity} under the current protocol and engine versions`);
  return file;
}

describe('committed records', () => {
  it('re-run bit-identically on wasm (LeNet-300-100 and LeNet-5, magnitude pruning and their dense references)', () => {
    const files = [
      firstRecord('mnist-lenet300-small', 'magnitude-global', 0.9),
      firstRecord('mnist-lenet5-small', 'magnitude-global', 11 / 12),
    ];
    const r = prunebench(['verify', ...files, '--workers', '2', '--backend', 'wasm']);
    expect(r.stdout, r.stderr).toMatch(/verify: 4 records re-measured, every metric identical/);
    expect(r.code).toBe(0);
  }, 600_000);
});
