import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesUnder, prunebench } from './cli-helpers.ts';

describe('prunebench run (end to end, structured-smoke suite)', () => {
  it('runs neuron and 2:4 jobs through the sandbox, records units, compaction and inference, validates and reports per structure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-structured-e2e-'));
    const results = join(dir, 'results');
    const run = prunebench([
      'run',
      '--suite',
      'structured-smoke',
      '--workers',
      '2',
      '--results',
      results,
      '--cache',
      join(dir, 'cache'),
      '--no-progress',
    ]);
    expect(run.stderr).toContain('finished: 6 ran, 0 failed, 0 already done');
    expect(run.code).toBe(0);
    const records = filesUnder(results)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(results, f), 'utf8')));
    const neuron = records.find((r) => r.job.task.id === 'mnist-lenet300-tiny' && r.job.structure?.kind === 'neuron');
    const nm = records.find((r) => r.job.task.id === 'mnist-lenet300-tiny' && r.job.structure?.kind === 'n:m');
    // LeNet-300-100 at half its hidden units: 150 and 50 kept; MACs of the compacted 784-150-50-10 network.
    expect(neuron.metrics.units).toEqual({
      removed: 200,
      total: 400,
      fraction: 0.5,
      layers: [
        { name: 'fc1/kernel', units: 300, kept: 150 },
        { name: 'fc2/kernel', units: 100, kept: 50 },
      ],
    });
    expect(neuron.metrics.inference.macs).toBe(784 * 150 + 150 * 50 + 50 * 10);
    expect(neuron.metrics.inference.compaction.maxRelativeDifference).toBeLessThanOrEqual(neuron.metrics.inference.compaction.tolerance);
    expect(neuron.metrics.inference.throughput.speedup).toBeGreaterThan(0);
    expect(nm.metrics.inference).toMatchObject({ acceleration: 'none', throughput: null, macs: 266200 / 2 });
    expect(nm.metrics.sparsity.global).toBe(0.5);
    const validate = prunebench(['validate', results, '--results', results]);
    expect(validate.stdout).toMatch(/valid: 0 manifests, 6 records, 0 reproductions, 0 releases; 0 errors/);
    const report = prunebench(['report', '--suite', 'structured-smoke', '--results', results, '--format', 'markdown']);
    expect(report.stdout).toMatch(/## mnist-lenet300-tiny v1 \[2:4\]/);
    expect(report.stdout).toMatch(/## mnist-lenet300-tiny v1 \[neuron: sparsity = fraction of units removed\]/);
    // A method whose manifest does not declare the structure is refused before anything runs.
    const refused = prunebench([
      'run',
      '--suite',
      'structured-smoke',
      '--methods',
      'magnitude-global',
      '--results',
      results,
      '--no-progress',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(
      /method 'magnitude-global' prunes to unstructured only, and this plan of suite 'structured-smoke' runs neuron, 2:4 jobs/,
    );
  }, 300_000);
});
