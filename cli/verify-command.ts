/**
 * `prunebench verify`: re-runs named record files, or a seeded sample of the results directory, with
 * the same runner and workers as `run`, and prints each metric against the record (harness/verify/:
 * exact on the same backend, within --tolerance across backends).
 */
import { resolve } from 'node:path';
import { announceIsolation } from '../harness/sandbox/isolation.ts';
import type { RunRecord } from '../harness/store/run-record.ts';
import { namedRecords, sampleResults } from '../harness/verify/candidates.ts';
import { comparisonTable } from '../harness/verify/compare.ts';
import { verifyRecords } from '../harness/verify/verify.ts';
import { backendProblem } from './backend-check.ts';

export interface VerifyOptions {
  /** Record files to re-run; when empty, a seeded sample of the results directory. */
  records?: string[];
  sample: number;
  seed: number;
  results: string;
  tolerance: number;
  workers?: number;
  backend?: string;
}

export function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`--seed must be an integer from 0 to 2^32 − 1, got '${value}'`);
  return n;
}

export function parseTolerance(value: string): number {
  const x = Number(value);
  if (!Number.isFinite(x) || x < 0 || value.trim() === '') throw new Error(`--tolerance must be a non-negative number, got '${value}'`);
  return x;
}

/** The records to re-run, or an exit code when there are none (or a named one cannot be re-run). */
function chooseRecords(
  opts: VerifyOptions,
  resultsDir: string,
  print: (line: string) => void,
  log: (line: string) => void,
): RunRecord[] | number {
  if (opts.records && opts.records.length > 0) {
    const { records, problems } = namedRecords(opts.records);
    for (const problem of problems) log(`error: ${problem}`);
    if (problems.length > 0) return 1;
    log(`verify: re-running ${records.length} named record${records.length === 1 ? '' : 's'}`);
    return records;
  }
  const found = sampleResults(resultsDir, opts.sample, opts.seed);
  for (const message of found.invalid) log(`skipping an invalid record file: ${message}`);
  for (const [why, n] of found.notVerifiable) log(`not re-runnable here (${n} records): ${why}`);
  if (found.candidates === 0) {
    print(`verify: no ok record in ${resultsDir} can be re-run here; nothing to verify`);
    return found.ok === 0 ? 0 : 1;
  }
  log(`verify: re-running ${found.sample.length} of ${found.candidates} re-runnable ok records (seed ${opts.seed})`);
  return found.sample;
}

export async function verifyCommand(
  opts: VerifyOptions,
  print: (line: string) => void = console.log,
  log: (line: string) => void = console.error,
): Promise<number> {
  const backend = backendProblem(opts.backend);
  if (backend) {
    log(`prunebench verify: ${backend}`);
    return 2;
  }
  const resultsDir = resolve(opts.results);
  if (!announceIsolation(log)) return 2;
  const sample = chooseRecords(opts, resultsDir, print, log);
  if (typeof sample === 'number') return sample;

  const verification = await verifyRecords(sample, {
    resultsDir,
    tolerance: opts.tolerance,
    workers: opts.workers,
    backend: opts.backend,
    onMessage: log,
  });
  if (verification.interrupted) return 130;
  const { rows, backends, compared } = verification;
  for (const line of comparisonTable(rows)) print(line);
  const mismatches = rows.filter((r) => r.verdict === 'MISMATCH');
  const jobs = new Set(mismatches.map((r) => r.job));
  print('');
  print(`backend: ${backends.join(', ')}`);
  if (mismatches.length) {
    print(`verify: ${mismatches.length} mismatches in ${jobs.size} of ${compared} records`);
    return 1;
  }
  print(
    `verify: ${compared} records re-measured, every metric ${backends.every((b) => b.endsWith('(exact)')) ? 'identical' : 'within tolerance'}`,
  );
  return 0;
}
