import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { mnistDir } from '../suites/data/mnist.ts';
import { processesMentioning } from '../harness/testing/processes.ts';
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
  it('runs, reports, validates; a rerun skips every finished job and re-makes a stale one', () => {
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
    expect(validate.stdout).toMatch(/valid: 0 manifests, 10 records, 0 reproductions, 0 releases; 0 errors/);
    expect(validate.code).toBe(0);
    const again = prunebench(['run', '--suite', 'smoke', '--workers', '2', '--results', results, '--cache', cache, '--no-progress']);
    expect(again.stderr).toMatch(/finished: 0 ran, 0 failed, 10 already done/);

    // A record its method's current code did not make is stale: the next run makes it again.
    const sparse = records(results)
      .map((f) => join(results, f))
      .find((f) => JSON.parse(readFileSync(f, 'utf8')).job.method !== null)!;
    const stale = JSON.parse(readFileSync(sparse, 'utf8'));
    const currentHash = stale.provenance.methodSourceHash;
    stale.provenance.methodSourceHash = 'f'.repeat(64);
    writeFileSync(sparse, `${JSON.stringify(stale, null, 2)}\n`);
    const planned = prunebench(['run', '--suite', 'smoke', '--plan', '--results', results, '--cache', cache]);
    expect(planned.stdout).toMatch(/^10 jobs, 9 done \([^)]* of job time, by their records; [^)]*\), 1 left: /m);
    const remade = prunebench(['run', '--suite', 'smoke', '--workers', '2', '--results', results, '--cache', cache, '--no-progress']);
    expect(remade.stderr).toContain(
      '1 stored record is stale (made by code or a manifest of the method that has changed since): its job runs again and replaces it',
    );
    expect(remade.stderr).toMatch(/finished: 1 ran, 0 failed, 9 already done/);
    expect(JSON.parse(readFileSync(sparse, 'utf8')).provenance.methodSourceHash).toBe(currentHash);
    expect(records(results)).toHaveLength(10);
  });

  it('reuses the dense reference: a second method on the same task trains no dense model', () => {
    const { results, cache } = fresh();
    prunebench([
      'run',
      '--suite',
      'smoke',
      ...TASK,
      '--methods',
      'random',
      '--workers',
      '1',
      '--results',
      results,
      '--cache',
      cache,
      '--no-progress',
    ]);
    const dense = records(results).filter((f) => f.includes('/dense/'));
    const checkpoints = filesUnder(cache);
    expect(dense).toHaveLength(1);
    expect(checkpoints).toHaveLength(1);
    const before = [statSync(join(results, dense[0])).mtimeMs, statSync(join(cache, checkpoints[0])).mtimeMs];
    const second = prunebench([
      'run',
      '--suite',
      'smoke',
      ...TASK,
      '--methods',
      'magnitude-global',
      '--workers',
      '1',
      '--results',
      results,
      '--cache',
      cache,
      '--no-progress',
    ]);
    expect(second.stderr).toMatch(/finished: 2 ran, 0 failed/);
    expect([statSync(join(results, dense[0])).mtimeMs, statSync(join(cache, checkpoints[0])).mtimeMs]).toEqual(before);
    expect(filesUnder(cache)).toEqual(checkpoints);
  });

  it('gives the same records sharded as unsharded, with no file written by two shards', () => {
    const whole = fresh();
    const a = fresh();
    const b = fresh();
    prunebench(['run', '--suite', 'smoke', ...TASK, '--workers', '1', '--results', whole.results, '--cache', whole.cache, '--no-progress']);
    prunebench([
      'run',
      '--suite',
      'smoke',
      ...TASK,
      '--workers',
      '1',
      '--shard',
      '0/2',
      '--results',
      a.results,
      '--cache',
      a.cache,
      '--no-progress',
    ]);
    prunebench(['run', '--suite', 'smoke', ...TASK, '--workers', '1', '--results', b.results, '--cache', b.cache, '--no-progress'], {
      PRUNEBENCH_SHARD: '1/2',
    });
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
    // A temp folder of its own: any other prunebench run on the machine would also clear a dead run's scratch.
    const scratchRoot = mkdtempSync(join(tmpdir(), 'pb-scratch-'));
    const child = startPrunebench(args, { TMPDIR: scratchRoot });
    await waitFor(() => records(results).length >= 4, 240_000);
    const killedScratch = () => readdirSync(scratchRoot).filter((n) => n.startsWith(`prunebench-run-${child.pid}-`));
    expect(killedScratch()).toHaveLength(1);
    const workers = execSync(`pgrep -P ${child.pid} || true`, { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
    expect(workers.length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 1500)); // workers die with the runner (parent-death signal)
    // A killed process whose new parent has not reaped it yet is a zombie: dead, but still listed.
    const alive = (pid: number) => {
      try {
        return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        return false;
      }
    };
    const described = (pids: number[]) =>
      pids.map((p) => {
        try {
          return `${p}: ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 400)} ${readFileSync(`/proc/${p}/status`, 'utf8').match(/PPid.*/)?.[0]}`;
        } catch {
          return `${p}: gone`;
        }
      });
    expect(described(workers.filter(alive))).toEqual([]);
    // Sandboxed method processes run bundles from the run's scratch directory.
    expect(described(processesMentioning(`prunebench-run-${child.pid}-`))).toEqual([]);
    const survivors = records(results);
    expect(filesUnder(results).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const validate = prunebench(['validate', results, '--results', results]);
    expect(validate.code).toBe(0);
    const resumed = prunebench(args, { TMPDIR: scratchRoot });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('removed the scratch of a run that is no longer alive');
    expect(killedScratch()).toEqual([]);
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
    const child = startPrunebench([
      'run',
      '--suite',
      'smoke',
      ...TASK,
      '--workers',
      '1',
      '--results',
      results,
      '--cache',
      cache,
      '--no-progress',
    ]);
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
    const failed = records(results)
      .map((f) => JSON.parse(readFileSync(join(results, f), 'utf8')))
      .filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].failure.reason).toMatch(/worker process exited \(SIGKILL\)/);
    expect(['prune', 'train', 'evaluate']).toContain(failed[0].failure.stage);
  });

  it('detects bit flips in a dense checkpoint and in the decoded-data cache, rebuilds both, and gives the same metrics', () => {
    const { results, cache } = fresh();
    const env = { PRUNEBENCH_CACHE_DIR: cache };
    const args = [
      'run',
      '--suite',
      'smoke',
      '--tasks',
      'mnist-lenet300-tiny',
      '--methods',
      'magnitude-global',
      '--sparsities',
      '0.9',
      '--workers',
      '1',
      '--results',
      results,
      '--cache',
      cache,
      '--no-progress',
    ];
    expect(prunebench(args, env).code).toBe(0);
    const sparse = records(results).find((f) => f.includes('/magnitude-global/'))!;
    const before = JSON.parse(readFileSync(join(results, sparse), 'utf8'));
    rmSync(join(results, sparse));
    const flip = (file: string) => {
      const bytes = readFileSync(file);
      bytes[bytes.length - 7] ^= 0x04;
      writeFileSync(file, bytes);
    };
    const checkpoints = filesUnder(cache).filter((f) => f.endsWith('.weights'));
    const dataCaches = filesUnder(cache).filter((f) => f.startsWith('data/') && f.endsWith('.bin'));
    expect(checkpoints).toHaveLength(1);
    expect(dataCaches.length).toBeGreaterThan(0);
    for (const f of [...checkpoints, ...dataCaches]) flip(join(cache, f));
    const rerun = prunebench(args, env);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/dense checkpoint .* is unusable \(its content does not match its hash\); discarding it and retraining/);
    expect(rerun.stderr).toMatch(/content does not match its hash; rebuilding it/);
    const after = JSON.parse(readFileSync(join(results, sparse), 'utf8'));
    expect(after.status).toBe('ok');
    expect(after.metrics).toEqual(before.metrics);
  });

  it('fails the sparse jobs of a dense reference that fails on a corrupt data file, saying why', () => {
    const { results, cache } = fresh();
    const mnist = mkdtempSync(join(tmpdir(), 'pb-mnist-'));
    for (const name of readdirSync(mnistDir())) copyFileSync(join(mnistDir(), name), join(mnist, name));
    const labels = join(mnist, 'train-labels-idx1-ubyte');
    const bytes = readFileSync(labels);
    bytes[100] ^= 0x01;
    writeFileSync(labels, bytes);
    const r = prunebench(
      [
        'run',
        '--suite',
        'smoke',
        '--tasks',
        'mnist-lenet300-tiny',
        '--workers',
        '1',
        '--results',
        results,
        '--cache',
        cache,
        '--no-progress',
      ],
      { PRUNEBENCH_MNIST_DIR: mnist, PRUNEBENCH_CACHE_DIR: cache },
    );
    expect(r.code).toBe(1);
    const all = records(results).map((f) => JSON.parse(readFileSync(join(results, f), 'utf8')));
    expect(all).toHaveLength(5);
    const dense = all.find((x) => x.job.method === null);
    expect(dense.failure).toMatchObject({ stage: 'setup' });
    expect(dense.failure.reason).toMatch(/train-labels-idx1-ubyte/);
    for (const sparse of all.filter((x) => x.job.method !== null)) {
      expect(sparse.failure.stage).toBe('setup');
      expect(sparse.failure.reason).toMatch(/its dense reference \(mnist-lenet300-tiny dense seed 0\) failed: .*train-labels-idx1-ubyte/);
    }
  });
});

describe('records that are not what their path says', () => {
  it('are refused by run and skipped by report, validate and site build, each naming the file', () => {
    const { results, cache } = fresh();
    const args = ['run', '--suite', 'smoke', ...TASK, '--workers', '1', '--results', results, '--cache', cache, '--no-progress'];
    expect(prunebench(args).code).toBe(0);
    const [first, second] = records(results).filter((f) => f.includes('/magnitude-global/'));
    const misplaced = join(results, first.replace('/magnitude-global/', '/random/'));
    const renamed = join(results, first.replace(/[0-9a-f]{16}\.json$/, 'copy.json'));
    copyFileSync(join(results, first), misplaced);
    copyFileSync(join(results, first), renamed);
    const tampered = JSON.parse(readFileSync(join(results, second), 'utf8'));
    tampered.job.seed = 7;
    writeFileSync(join(results, second), JSON.stringify(tampered));

    const report = prunebench(['report', '--suite', 'smoke', '--results', results]);
    expect(report.code).toBe(1);
    for (const file of [misplaced, renamed, join(results, second)]) expect(report.stderr).toContain(`skipping invalid record: ${file}: `);
    expect(report.stderr).toMatch(/random\/.*record is at .*its job identity puts it at .*magnitude-global/);

    const validate = prunebench(['validate', results, '--results', results]);
    expect(validate.code).toBe(1);
    for (const file of [misplaced, renamed, join(results, second)]) expect(validate.stdout).toContain(`error: ${file}`);

    const site = prunebench(['site', 'build', '--results', results, '--out', join(results, '..', 'site')]);
    expect(site.code).toBe(0);
    for (const file of [misplaced, renamed, join(results, second)])
      expect(site.stderr).toContain(`skipping invalid file ${file.slice(results.length + 1)}: `);

    const run = prunebench(args);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('refusing to run: 1 record file is not the record of the job whose path it is at');
    expect(run.stderr).toContain(join(results, second));
    expect(JSON.parse(readFileSync(join(results, second), 'utf8')).job.seed).toBe(7);
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
