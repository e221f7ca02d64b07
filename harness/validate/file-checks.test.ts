import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jobId, recordRelativePath } from '../jobs/spec.ts';
import { currentVersions, ENGINE_VERSION } from '../jobs/versions.ts';
import type { RunRecord } from '../store/run-record.ts';
import { jobsReplacingStaleRecords } from '../store/stale.ts';
import { checkRecords, checkSuite } from './file-checks.ts';
import type { MethodManifest } from '../../api/method-api.ts';

const committedDir = fileURLToPath(new URL('../../results/runs/mnist-lenet300-small/magnitude-global/', import.meta.url));
const committedRecord = JSON.parse(readFileSync(join(committedDir, readdirSync(committedDir).sort()[0]), 'utf8')) as RunRecord;
/** A committed record as protocol 1 wrote it: no engine version in its job (the committed ones were re-made under protocol 2). */
const protocolOneRecord: RunRecord = (() => {
  const { engine: _engine, ...job } = committedRecord.job;
  return { ...committedRecord, job: { ...job, protocol: '1' } };
})();

/** Writes a record where its identity puts it, with its id recomputed. */
function writeRecord(resultsDir: string, record: RunRecord): string {
  const placed = { ...record, id: jobId(record.job) };
  const file = join(resultsDir, recordRelativePath(placed.job));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(placed));
  return file;
}

function staleWarnings(file: string, resultsDir: string): string[] {
  return checkRecords([file], { resultsDir, methodHashes: new Map() })
    .problems.filter((p) => p.message.startsWith('stale: made under'))
    .map((p) => `${p.severity}: ${p.message}`);
}

describe('records made under another protocol or engine version', () => {
  it('are reported stale as warnings, not errors; current ones are not', () => {
    expect(protocolOneRecord.job.protocol).toBe('1');
    const results = mkdtempSync(join(tmpdir(), 'prunebench-stale-'));
    const old = writeRecord(results, protocolOneRecord);
    expect(staleWarnings(old, results)).toEqual([
      expect.stringMatching(/^warning: stale: made under protocol 1 \(current 2\) and no engine version/),
    ]);

    const olderEngine = writeRecord(results, {
      ...protocolOneRecord,
      job: { ...protocolOneRecord.job, ...currentVersions(), engine: `${ENGINE_VERSION}-before` },
    });
    expect(staleWarnings(olderEngine, results)).toEqual([
      `warning: stale: made under engine ${ENGINE_VERSION}-before (current ${ENGINE_VERSION}); its numbers may differ from what the current code gives (a run of its grid makes a current record)`,
    ]);

    const current = writeRecord(results, { ...protocolOneRecord, job: { ...protocolOneRecord.job, ...currentVersions() } });
    expect(staleWarnings(current, results)).toEqual([]);
    expect(
      checkRecords([old, olderEngine, current], { resultsDir: results, methodHashes: new Map() }).problems.filter(
        (p) => p.severity === 'error' && !p.path.startsWith('/dense'),
      ),
    ).toEqual([]);
  });

  it('a protocol-2 record must name its engine version', () => {
    const results = mkdtempSync(join(tmpdir(), 'prunebench-stale-'));
    const { engine: _engine, ...withoutEngine } = { ...protocolOneRecord.job, ...currentVersions() };
    const file = writeRecord(results, { ...protocolOneRecord, job: withoutEngine });
    expect(
      checkRecords([file], { resultsDir: results, methodHashes: new Map() }).problems.map((p) => `${p.severity} ${p.path}: ${p.message}`),
    ).toContain("error /job: missing field 'engine'");
  });

  it('are found for the planned jobs of their grid point, so a run can say it re-makes them', () => {
    const results = mkdtempSync(join(tmpdir(), 'prunebench-stale-'));
    writeRecord(results, protocolOneRecord);
    const planned = { ...protocolOneRecord.job, ...currentVersions() };
    const otherSeed = { ...planned, seed: planned.seed + 100 };
    expect(jobsReplacingStaleRecords(results, [planned, otherSeed])).toEqual([planned]);
    writeRecord(results, { ...protocolOneRecord, job: planned });
    expect(jobsReplacingStaleRecords(results, [otherSeed])).toEqual([]);
  });
});

describe('suites setting hyperparameters', () => {
  it('are checked against the registered manifests', () => {
    const manifest = {
      id: 'm',
      hyperparameters: { k: { type: 'integer', default: 1, minimum: 1, help: 'k' } },
    } as unknown as MethodManifest;
    const suite = {
      id: 's',
      version: '1',
      description: 's',
      tasks: ['t'],
      methods: ['m'],
      sparsities: [0.5],
      seeds: [0],
      hyperparameters: { m: { k: 0 }, gone: { k: 1 } },
    };
    const problems = checkSuite(suite, new Set(['t']), new Set(['m']), new Map([['m', manifest]]));
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "/hyperparameters/m: method 'm': hyperparameter 'k' = 0 must be ≥ 1",
      "/hyperparameters/gone: unknown method 'gone'",
    ]);
  });
});

describe("suites' task sparsities and method selectors", () => {
  it("name the suite's own tasks, add sparsities the shared grid lacks, and select methods by a known word", () => {
    const suite = {
      id: 's',
      version: '1',
      description: 's',
      tasks: ['t'],
      methods: 'score-returning' as const,
      sparsities: [0.5, 0.9],
      seeds: [0],
      taskSparsities: { t: [0.9961, 0.9], u: [0.99] },
    };
    const problems = checkSuite(suite, new Set(['t']), new Set(['m']));
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "/taskSparsities/t/1: sparsity 0.9 is in the suite's shared sparsities already",
      "/taskSparsities/u: task 'u' is not one of the suite's tasks",
    ]);
    const unknownSelector = { ...suite, taskSparsities: undefined, methods: 'some' } as unknown as Parameters<typeof checkSuite>[0];
    expect(checkSuite(unknownSelector, new Set(['t']), new Set(['m'])).map((p) => p.path)).toContain('/methods');
  });
});
