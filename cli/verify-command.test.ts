import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecordFile, walkJson } from '../harness/store/store.ts';
import { filesUnder, prunebench } from '../tests/cli-helpers.ts';
import { parseSeed, parseTolerance } from './verify-command.ts';

describe('verify: options', () => {
  it('takes a seed from 0 to 2^32 − 1 and a non-negative tolerance, naming the option otherwise', () => {
    expect(parseSeed('4294967295')).toBe(4294967295);
    expect(() => parseSeed('-1')).toThrow("--seed must be an integer from 0 to 2^32 − 1, got '-1'");
    expect(() => parseSeed('1.5')).toThrow('--seed');
    expect(parseTolerance('1e-3')).toBe(1e-3);
    expect(parseTolerance('0')).toBe(0);
    expect(() => parseTolerance(' ')).toThrow("--tolerance must be a non-negative number, got ' '");
    expect(() => parseTolerance('-1e-5')).toThrow('--tolerance');
  });
});

describe('prunebench verify (end to end on a tiny job)', () => {
  it('passes on fresh records and fails, showing the difference, after a record is tampered with', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-verify-'));
    const results = join(dir, 'results');
    const made = prunebench([
      'run',
      '--suite',
      'smoke',
      '--tasks',
      'planted-circle-tiny',
      '--methods',
      'random',
      '--sparsities',
      '0.5',
      '--workers',
      '1',
      '--results',
      results,
      '--cache',
      join(dir, 'cache'),
      '--no-progress',
    ]);
    expect(made.code).toBe(0);
    expect(filesUnder(results)).toHaveLength(2);

    const fresh = prunebench(['verify', '--sample', '5', '--results', results, '--workers', '1']);
    expect(fresh.stdout).toMatch(/planted-circle-tiny random s=0\.5 seed 0\s+metrics\.accuracy\s+(\S+)\s+\1\s+0\s+identical/);
    expect(fresh.stdout).toMatch(/verify: 2 records re-measured, every metric identical/);
    expect(fresh.code).toBe(0);

    const tampered = join(dir, 'tampered');
    cpSync(results, tampered, { recursive: true });
    const file = walkJson(join(tampered, 'runs')).find((f) => f.includes('/random/'))!;
    const original = readRecordFile(file);
    const honest = original.metrics!.accuracy!;
    const claimed = honest >= 0.5 ? honest - 0.125 : honest + 0.125;
    writeFileSync(file, `${JSON.stringify({ ...original, metrics: { ...original.metrics, accuracy: claimed } }, null, 2)}\n`);
    expect(readRecordFile(file).metrics!.accuracy).toBe(claimed);
    expect(prunebench(['validate', tampered, '--results', tampered]).code).toBe(0);

    const caught = prunebench(['verify', '--sample', '5', '--results', tampered, '--workers', '1']);
    expect(caught.code).toBe(1);
    const row = caught.stdout.split('\n').find((l) => /random s=0\.5 seed 0\s+metrics\.accuracy\s/.test(l))!;
    expect(row.split(/\s{2,}/).slice(1)).toEqual([
      'metrics.accuracy',
      String(claimed),
      String(honest),
      (honest - claimed).toPrecision(3),
      'MISMATCH',
    ]);
    expect(caught.stdout).toMatch(/verify: 1 mismatches in 1 of 2 records/);
    expect(readFileSync(file, 'utf8')).toContain(String(claimed));

    // Named record files: exactly those (and their dense references) are re-run.
    const named = prunebench(['verify', file, '--results', tampered, '--workers', '1']);
    expect(named.stderr).toMatch(/re-running 1 named record/);
    expect(named.stdout).toMatch(/verify: 1 mismatches in 1 of 2 records/);
    expect(named.code).toBe(1);
    const missing = prunebench(['verify', join(dir, 'no-such-record.json'), '--results', tampered]);
    expect(missing.stderr).toMatch(/no-such-record\.json/);
    expect(missing.code).toBe(1);
  }, 600_000);
});
