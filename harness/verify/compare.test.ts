import { describe, expect, it } from 'vitest';
import { compareRecords, comparisonTable } from './compare.ts';
import { makeRecord, type RecordOptions } from '../testing/record-factory.ts';
import type { RunRecord } from '../store/run-record.ts';

function record(o: RecordOptions = {}, backend = 'wasm'): RunRecord {
  const r = makeRecord({ method: 'magnitude-global', sparsity: 0.9, accuracy: 0.9, ...o }) as unknown as RunRecord;
  r.environment.backend = backend;
  return r;
}

function twin(r: RunRecord, backend = r.environment.backend): RunRecord {
  const copy = structuredClone(r);
  copy.environment.backend = backend;
  return copy;
}

describe('verify: comparing a record with its re-measurement', () => {
  it('lists the headline metrics of an identical re-measurement, all identical', () => {
    const r = record({ ece: 0.05 });
    const rows = compareRecords(r, twin(r), 1e-5);
    expect(rows.map((x) => x.metric)).toEqual([
      'status',
      'metrics.accuracy',
      'metrics.loss',
      'metrics.calibration.ece',
      'metrics.sparsity.global',
    ]);
    expect(rows.every((x) => x.verdict === 'identical')).toBe(true);
  });

  it('does not compare measured throughput, nor inference metrics a record made before them lacks', () => {
    const r = record();
    const inference = {
      macs: 100,
      denseMacs: 400,
      acceleration: 'compacted' as const,
      statement: 's',
      compaction: { layers: [], checkedSamples: 8, maxRelativeDifference: 0, tolerance: 1e-4 },
      throughput: { batchSize: 256, passes: 9, warmupPasses: 3, denseSamplesPerSecond: 1000, compactedSamplesPerSecond: 3000, speedup: 3 },
    };
    r.metrics!.inference = inference;
    const again = twin(r);
    again.metrics!.inference = { ...inference, throughput: { ...inference.throughput, compactedSamplesPerSecond: 2900, speedup: 2.9 } };
    expect(compareRecords(r, again, 1e-5).filter((x) => x.verdict === 'MISMATCH')).toEqual([]);
    again.metrics!.inference = { ...inference, macs: 101 };
    expect(
      compareRecords(r, again, 1e-5)
        .filter((x) => x.verdict === 'MISMATCH')
        .map((x) => x.metric),
    ).toEqual(['metrics.inference.macs']);
    const old = record();
    const remeasured = twin(old);
    remeasured.metrics!.inference = inference;
    expect(compareRecords(old, remeasured, 1e-5).filter((x) => x.verdict === 'MISMATCH')).toEqual([]);
  });

  it('compares the recovery of planted units, unless the record was made before it existed', () => {
    const planted = { precision: 0.1, recall: 0.2, jaccard: 0.05, density: 0.03 };
    const unitRecovery = { precision: 0.5, recall: 0.6, jaccard: 0.4 };
    const r = record({ structure: { kind: 'neuron' }, sparsity: 0.5, planted, unitRecovery });
    const again = twin(r);
    again.planted!.unitRecovery!.precision = 0.55;
    expect(
      compareRecords(r, again, 1e-5)
        .filter((x) => x.verdict === 'MISMATCH')
        .map((x) => x.metric),
    ).toEqual(['planted.unitRecovery.precision']);
    const old = record({ structure: { kind: 'neuron' }, sparsity: 0.5, planted });
    const remeasured = twin(old);
    remeasured.planted!.unitRecovery = structuredClone(r.planted!.unitRecovery);
    expect(compareRecords(old, remeasured, 1e-5).filter((x) => x.verdict === 'MISMATCH')).toEqual([]);
  });

  it('demands exact equality on the same backend, even for the last bit of a deep value', () => {
    const r = record();
    const again = twin(r);
    again.metrics!.calibration!.bins[3].count += 1;
    again.metrics!.loss = r.metrics!.loss * (1 + Number.EPSILON);
    const mismatches = compareRecords(r, again, 1).filter((x) => x.verdict === 'MISMATCH');
    expect(mismatches.map((x) => x.metric).sort()).toEqual(['metrics.calibration.bins.3.count', 'metrics.loss']);
  });

  it('applies the tolerance across backends: absolute below 1, relative above', () => {
    const r = record();
    const near = twin(r, 'cpu');
    near.metrics!.accuracy = r.metrics!.accuracy! + 5e-6;
    near.metrics!.flops.sparse = r.metrics!.flops.sparse * (1 + 5e-6);
    expect(r.metrics!.flops.sparse).toBeGreaterThan(1000);
    // Rows show the headline metrics and every mismatch; flops.sparse is within tolerance, so not shown.
    expect(
      compareRecords(r, near, 1e-5)
        .filter((x) => x.verdict !== 'identical')
        .map((x) => [x.metric, x.verdict]),
    ).toEqual([['metrics.accuracy', 'within tolerance']]);
    const far = twin(r, 'cpu');
    far.metrics!.accuracy = r.metrics!.accuracy! + 2e-5;
    far.metrics!.flops.sparse = r.metrics!.flops.sparse * (1 + 2e-5);
    const rows = compareRecords(r, far, 1e-5).filter((x) => x.verdict === 'MISMATCH');
    expect(rows.map((x) => x.metric)).toEqual(['metrics.accuracy', 'metrics.flops.sparse']);
    expect(rows[0].difference).toBeCloseTo(2e-5, 12);
    // Another tfjs version is another backend for this purpose.
    const otherTfjs = twin(r);
    otherTfjs.environment.tfjs = '9.9.9';
    otherTfjs.metrics!.accuracy = r.metrics!.accuracy! + 5e-6;
    expect(compareRecords(r, otherTfjs, 1e-5).find((x) => x.metric === 'metrics.accuracy')!.verdict).toBe('within tolerance');
  });

  it('flags values that appear, vanish or change type, and a re-run that failed', () => {
    const r = record({ maxPsi: 0.1 });
    const again = twin(r);
    again.metrics!.disparateImpact!.maxPsi = null;
    again.status = 'failed';
    again.failure = { stage: 'train', reason: 'NaN loss' };
    const mismatches = compareRecords(r, again, 1e-5).filter((x) => x.verdict === 'MISMATCH');
    expect(mismatches.map((x) => x.metric)).toEqual(['status', 'metrics.disparateImpact.maxPsi', 'failure']);
    expect(comparisonTable(mismatches).join('\n')).toContain('train: NaN loss');
  });
});
