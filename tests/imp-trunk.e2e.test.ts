import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesUnder, prunebench, startPrunebench, waitFor } from './cli-helpers.ts';
import type { RunRecord } from '../harness/store/run-record.ts';

/** imp on the tiny planted task, the sandbox and workers as in every run; 6 epochs a round. */
const IMP = ['--suite', 'smoke', '--tasks', 'planted-circle-tiny', '--methods', 'imp', '--set', 'imp.epochs=6', '--no-progress'];

function fresh(): { results: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pb-trunk-e2e-'));
  return { results: join(dir, 'results'), cache: join(dir, 'cache') };
}

function impRecords(results: string): Map<number, RunRecord> {
  const files = filesUnder(results).filter((f) => f.includes('/imp/') && f.endsWith('.json'));
  return new Map(files.map((f) => JSON.parse(readFileSync(join(results, f), 'utf8')) as RunRecord).map((r) => [r.job.sparsity, r]));
}

function run(dirs: { results: string; cache: string }, sparsities: string, workers = '1'): Map<number, RunRecord> {
  const r = prunebench(['run', ...IMP, '--sparsities', sparsities, '--workers', workers, '--results', dirs.results, '--cache', dirs.cache]);
  expect(r.code, r.stderr).toBe(0);
  return impRecords(dirs.results);
}

const levelFiles = (cache: string) => filesUnder(cache).filter((f) => f.endsWith('.trunk'));

describe('IMP trunk in runs (end to end, sandboxed)', () => {
  it('gives the records of jobs run alone, training the trunk once, and resumes a killed run from its last level', async () => {
    // Alone: each sparsity in a run of its own with an empty cache.
    const alone = new Map([...run(fresh(), '0.5'), ...run(fresh(), '0.9')]);
    const [low, high] = [alone.get(0.5)!.trunk!.level, alone.get(0.9)!.trunk!.level];
    expect([alone.get(0.5)!.trunk, alone.get(0.9)!.trunk]).toEqual([
      { level: low, reusedLevel: 0, rounds: low + 1 },
      { level: high, reusedLevel: 0, rounds: high + 1 },
    ]);

    // One run of both on 2 workers: the queue runs 0.5 first, and 0.9 continues its trunk.
    const shared = run(fresh(), '0.9,0.5', '2');
    expect(shared.get(0.9)!.trunk).toEqual({ level: high, reusedLevel: low + 1, rounds: high - low });
    expect(shared.get(0.5)!.trunk!.rounds + shared.get(0.9)!.trunk!.rounds).toBe(high + 1);
    for (const s of [0.5, 0.9]) expect(shared.get(s)!.metrics).toEqual(alone.get(s)!.metrics);

    // Killed after its third level, a run resumes from the last level stored, in a fresh runner.
    const dirs = fresh();
    const child = startPrunebench([
      'run',
      ...IMP,
      '--sparsities',
      '0.9',
      '--workers',
      '1',
      '--results',
      dirs.results,
      '--cache',
      dirs.cache,
    ]);
    await waitFor(() => levelFiles(dirs.cache).length >= 3, 240_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 1500)); // workers and the sandbox die with the runner
    const stored = levelFiles(dirs.cache).length;
    expect(impRecords(dirs.results).size).toBe(0);
    expect(stored).toBeLessThan(high);
    const resumed = run(dirs, '0.9').get(0.9)!;
    expect(resumed.trunk).toEqual({ level: high, reusedLevel: stored, rounds: high + 1 - stored });
    expect(resumed.metrics).toEqual(alone.get(0.9)!.metrics);
  }, 600_000);
});
