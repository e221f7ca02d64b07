import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execSync } from 'node:child_process';
import { filesUnder, prunebench, startPrunebench, waitFor } from './cli-helpers.ts';

const TASK = ['--tasks', 'planted-circle-tiny'];

function fresh(): { results: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pb-e2e-'));
  return { results: join(dir, 'results'), cache: join(dir, 'cache') };
}

function records(dir: string): string[] {
  return filesUnder(dir).filter((f) => f.endsWith('.json'));
}

/** A record without the fields that legitimately differ between runs (dates, timings, provenance). */
function comparable(file: string): unknown {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  delete r.timings;
  delete r.provenance;
  return r;
}

describe('prunebench run (end to end, smoke suite)', () => {
  it('runs, reports, validates; a rerun skips every finished job', () => {
    const { results, cache } = fresh();
    const first = prunebench(['run', '--suite', 'smoke', '--workers', '2', '--results', results, '--cache', cache, '--no-progress']);
    expect(first.stderr).toContain('finished: 10 ran, 0 failed, 0 already done');
    expect(first.code).toBe(0);
    expect(records(results)).toHaveLength(10);
    const report = prunebench(['report', '--suite', 'smoke', '--results', results, '--format', 'markdown']);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/## planted-circle-tiny v1/);
    expect(report.stdout).toMatch(/\| magnitude-global \|/);
    expect(report.stdout).toMatch(/recovery P/);
    const csv = prunebench(['report', '--suite', 'smoke', '--results', results, '--format', 'csv']);
    expect(csv.stdout.trim().split('\n')).toHaveLength(1 + 8);
    const validate = prunebench(['validate', results, '--results', results]);
    expect(validate.stdout).toMatch(/valid: 0 manifests, 10 records, 0 reproductions; 0 errors/);
    expect(validate.code).toBe(0);
    const again = prunebench(['run', '--suite', 'smoke', '--workers', '2', '--results', results, '--cache', cache, '--no-progress']);
    expect(again.stderr).toMatch(/finished: 0 ran, 0 failed, 10 already done/);
  });

  it('reuses the dense reference: a second method on the same task trains no dense model', () => {
    const { results, cache } = fresh();
    prunebench(['run', '--suite', 'smoke', ...TASK, '--methods', 'random', '--workers', '1', '--results', results, '--cache', cache, '--no-progress']);
    const dense = records(results).filter((f) => f.includes('/dense/'));
    const checkpoints = filesUnder(cache);
    expect(dense).toHaveLength(1);
    expect(checkpoints).toHaveLength(1);
    const before = [statSync(join(results, dense[0])).mtimeMs, statSync(join(cache, checkpoints[0])).mtimeMs];
    const second = prunebench(['run', '--suite', 'smoke', ...TASK, '--methods', 'magnitude-global', '--workers', '1', '--results', results, '--cache', cache, '--no-progress']);
    expect(second.stderr).toMatch(/finished: 2 ran, 0 failed/);
    expect([statSync(join(results, dense[0])).mtimeMs, statSync(join(cache, checkpoints[0])).mtimeMs]).toEqual(before);
    expect(filesUnder(cache)).toEqual(checkpoints);
  });

  it('gives the same records sharded as unsharded, with no file written by two shards', () => {
    const whole = fresh();
    const a = fresh();
    const b = fresh();
    prunebench(['run', '--suite', 'smoke', ...TASK, '--workers', '1', '--results', whole.results, '--cache', whole.cache, '--no-progress']);
    prunebench(['run', '--suite', 'smoke', ...TASK, '--workers', '1', '--shard', '0/2', '--results', a.results, '--cache', a.cache, '--no-progress']);
    prunebench(['run', '--suite', 'smoke', ...TASK, '--workers', '1', '--results', b.results, '--cache', b.cache, '--no-progress'], { PRUNEBENCH_SHARD: '1/2' });
    const inA = records(a.results);
    const inB = records(b.results);
    expect(inA.filter((f) => inB.includes(f))).toEqual([]);
    expect([...inA, ...inB].sort()).toEqual(records(whole.results));
    for (const f of inA) expect(comparable(join(a.results, f))).toEqual(comparable(join(whole.results, f)));
    for (const f of inB) expect(comparable(join(b.results, f))).toEqual(comparable(join(whole.results, f)));
  });

  it('loses at most the jobs in flight when killed with SIGKILL, leaves no partial file, and resumes', async () => {
    const { results, cache } = fresh();
    const args = ['run', '--suite', 'smoke', '--workers', '1', '--results', results, '--cache', cache, '--no-progress'];
    const child = startPrunebench(args);
    await waitFor(() => records(results).length >= 4, 240_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 1500)); // orphaned workers notice the closed channel and exit
    const survivors = records(results);
    expect(filesUnder(results).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const validate = prunebench(['validate', results, '--results', results]);
    expect(validate.code).toBe(0);
    const resumed = prunebench(args);
    expect(resumed.code).toBe(0);
    const done = Number(/(\d+) already done/.exec(resumed.stderr)![1]);
    expect(done).toBeGreaterThanOrEqual(survivors.filter((f) => !f.includes('/dense/')).length);
    expect(records(results)).toHaveLength(10);
  });

  it('stops cleanly on Ctrl-C (SIGINT): exit 130, finished records kept, no partial file', async () => {
    const { results, cache } = fresh();
    const child = startPrunebench(['run', '--suite', 'smoke', '--workers', '1', '--results', results, '--cache', cache, '--no-progress']);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    await waitFor(() => records(results).length >= 2, 240_000);
    child.kill('SIGINT');
    const code = await new Promise<number>((r) => child.once('exit', (c) => r(c ?? -1)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: stopping workers; finished records are kept, rerun to resume/);
    // The job the interruption stopped is neither failed nor done: it runs again on the next run.
    expect(stderr).toMatch(/finished: \d+ ran, 0 failed, 0 already done, 1 interrupted/);
    expect(stderr).not.toMatch(/failed: .*interrupted/);
    // Each progress line names the job that just finished, so no two name the same job.
    const finishedJobs = [...stderr.matchAll(/\| finished (.+)$/gm)].map((m) => m[1]);
    expect(new Set(finishedJobs).size).toBe(finishedJobs.length);
    expect(filesUnder(results).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(records(results).length).toBeLessThan(10);
    expect(prunebench(['validate', results, '--results', results]).code).toBe(0);
  });

  it('records a failure for the job whose worker is killed, and finishes the rest', async () => {
    const { results, cache } = fresh();
    const child = startPrunebench(['run', '--suite', 'smoke', ...TASK, '--workers', '1', '--results', results, '--cache', cache, '--no-progress']);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    await waitFor(() => records(results).length >= 2, 240_000);
    const workers = execSync(`pgrep -P ${child.pid} || true`, { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    expect(workers.length).toBeGreaterThan(0);
    for (const pid of workers) process.kill(Number(pid), 'SIGKILL');
    const code = await new Promise<number>((r) => child.once('exit', (c) => r(c ?? -1)));
    // The dense reference is done first, so the killed worker was running a pruning job.
    expect(code).toBe(1);
    expect(records(results)).toHaveLength(5);
    expect(stderr).toMatch(/worker process exited \(SIGKILL\)/);
    const failed = records(results).map((f) => JSON.parse(readFileSync(join(results, f), 'utf8'))).filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].failure.reason).toMatch(/worker process exited \(SIGKILL\)/);
  });
});

describe('prunebench validate', () => {
  it('names the file and the JSON path of a broken record and exits non-zero', () => {
    const { results } = fresh();
    const dir = join(results, 'runs', 'x', 'dense');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ schemaVersion: 1, id: 'nothex', job: {} }));
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    const r = prunebench(['validate', results, '--results', results]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error: .*bad\.json \/id: must match pattern/);
    expect(r.stdout).toMatch(/error: .*bad\.json \(root\): missing field 'status'/);
    expect(r.stdout).toMatch(/error: .*broken\.json \(root\): malformed JSON/);
  });
});
