import { describe, expect, it } from 'vitest';
import { namedRecords, sampleRecords, whyNotVerifiable } from './candidates.ts';
import { makeRecord, type RecordOptions } from '../testing/record-factory.ts';
import type { RunRecord } from '../store/run-record.ts';
import { currentVersions } from '../jobs/versions.ts';
import { getTask } from '../registry/suites.ts';

describe('verify: sampling', () => {
  const ids = Array.from({ length: 40 }, (_, i) => ({ id: i.toString(16).padStart(16, '0') }));

  it('is deterministic for a seed, independent of the input order, and differs between seeds', () => {
    const a = sampleRecords(ids, 5, 7).map((r) => r.id);
    expect(sampleRecords([...ids].reverse(), 5, 7).map((r) => r.id)).toEqual(a);
    expect(new Set(a).size).toBe(5);
    expect(sampleRecords(ids, 5, 8).map((r) => r.id)).not.toEqual(a);
  });

  it('takes every record when the sample is larger than the candidates', () => {
    expect(
      sampleRecords(ids.slice(0, 3), 10, 0)
        .map((r) => r.id)
        .sort(),
    ).toEqual(ids.slice(0, 3).map((r) => r.id));
  });
});

describe('verify: which records this checkout can re-run', () => {
  const current = (o: RecordOptions = {}): RunRecord => {
    const r = makeRecord({ task: 'planted-circle-tiny', method: 'random', ...o }) as unknown as RunRecord;
    Object.assign(r.job, currentVersions());
    r.job.task.version = getTask('planted-circle-tiny').version;
    return r;
  };

  it('says why not: a failed record, stale versions, an unknown task or method, another task version', () => {
    expect(whyNotVerifiable(current({ status: 'failed' }))).toBe('not an ok record');
    const stale = current();
    stale.job.protocol = '1';
    expect(whyNotVerifiable(stale)).toMatch(/^stale: made under protocol 1 \(current \d+\)$/);
    expect(whyNotVerifiable(current({ task: 'no-such-task' }))).toBe("task 'no-such-task' is not registered");
    const otherVersion = current();
    otherVersion.job.task.version = '0-old';
    expect(whyNotVerifiable(otherVersion)).toMatch(/^task 'planted-circle-tiny' is at version \S+, the record at 0-old$/);
    expect(whyNotVerifiable(current({ method: 'no-such-method' }))).toBe("method 'no-such-method' is not registered");
    expect(whyNotVerifiable(current({ methodVersion: '0.0.0-old' }))).toBe(
      "method 'random' changed since the record was made (stale: rerun it)",
    );
  });

  it('names an unreadable record file', () => {
    const { records, problems } = namedRecords(['/no/such/record.json']);
    expect(records).toEqual([]);
    expect(problems).toEqual([expect.stringContaining('/no/such/record.json')]);
  });
});
