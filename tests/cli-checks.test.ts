/**
 * What a new user meets first: where records go by default (a smoke run in a fresh clone leaves
 * `git status` clean), a missing or unknown backend (one line, non-zero exit, before any job), and
 * `validate DIR` on a results folder made with `run --results DIR`.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { filesUnder, projectRoot, prunebench } from './cli-helpers.ts';
import { backendProblem } from '../cli/backend-check.ts';
import { LOCAL_RESULTS } from '../cli/options.ts';

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PRUNEBENCH_')));

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

describe('the backend check before planning', () => {
  it('names an unknown backend and the known ones', () => {
    expect(backendProblem('foo', {})).toBe("--backend: unknown backend 'foo'; choose one of tensorflow, wasm, cpu");
    expect(backendProblem(undefined, { PRUNEBENCH_BACKEND: 'gpu' })).toMatch(/^PRUNEBENCH_BACKEND: unknown backend 'gpu'/);
  });

  it('says which package is missing and how to install it', () => {
    const none = () => false;
    expect(backendProblem('tensorflow', {}, none)).toMatch(
      /@tensorflow\/tfjs-node-gpu or @tensorflow\/tfjs-node is not installed; install it with `npm install @tensorflow\/tfjs-node`/,
    );
    expect(backendProblem('tensorflow', {}, (p) => p === '@tensorflow/tfjs-node')).toBeNull();
    expect(backendProblem(undefined, {})).toBeNull();
    expect(backendProblem('wasm', {})).toBeNull();
  });

  it('stops run and verify with one line and exit code 2, before any job and without records', () => {
    const results = join(tempDir('pb-backend-'), 'results');
    for (const args of [
      ['run', '--suite', 'smoke', '--backend', 'foo', '--results', results, '--no-progress'],
      ['verify', '--sample', '1', '--backend', 'foo', '--results', results],
    ]) {
      const r = prunebench(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toEqual([
        expect.stringMatching(/^prunebench (run|verify): --backend: unknown backend 'foo'/),
      ]);
      expect(r.stdout).toBe('');
    }
    expect(filesUnder(results)).toEqual([]);
  });

  it.skipIf(backendProblem('tensorflow', {}) === null)('stops run --backend tensorflow without tfjs-node, saying how to install it', () => {
    const results = join(tempDir('pb-backend-'), 'results');
    const r = prunebench(['run', '--suite', 'smoke', '--backend', 'tensorflow', '--results', results, '--no-progress'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^prunebench run: --backend tensorflow: .* is not installed; install it with `npm install @tensorflow\/tfjs-node`/,
    );
    expect(r.stderr).not.toMatch(/TypeError/);
    expect(filesUnder(results)).toEqual([]);
  });
});

describe('validate DIR', () => {
  const committed = filesUnder(join(projectRoot, 'results', 'runs'))
    .filter((f) => f.endsWith('.json'))
    .slice(0, 3);

  it('takes a folder that holds runs/ as its results root, without --results', () => {
    const dir = tempDir('pb-validate-');
    for (const f of committed) {
      mkdirSync(dirname(join(dir, 'runs', f)), { recursive: true });
      copyFileSync(join(projectRoot, 'results', 'runs', f), join(dir, 'runs', f));
    }
    const whole = prunebench(['validate', dir], env);
    expect(whole.stdout).toMatch(/^valid: 0 manifests, 3 records, 0 reproductions, 0 releases; 0 errors/m);
    expect(whole.code).toBe(0);
    // A sub-folder of runs/ belongs to the same root.
    const part = prunebench(['validate', join(dir, 'runs', dirname(committed[0]))], env);
    expect(part.stdout).not.toMatch(/outside the results directory/);
    expect(part.code).toBe(0);
  });

  it('still rejects a record filed under the wrong path of its root', () => {
    const dir = tempDir('pb-validate-');
    const wrong = join(dir, 'runs', 'some-task', 'some-method', 'x.json');
    mkdirSync(dirname(wrong), { recursive: true });
    copyFileSync(join(projectRoot, 'results', 'runs', committed[0]), wrong);
    const r = prunebench(['validate', dir], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/record is at 'runs\/some-task\/some-method\/x.json', its job identity puts it at 'runs\//);
  });
});

describe('the default results folder', () => {
  it(`is ${LOCAL_RESULTS}: a smoke run in a fresh clone leaves git status clean`, () => {
    const clone = join(tempDir('pb-clone-'), 'prunebench');
    execFileSync('git', ['clone', '-q', projectRoot, clone]);
    symlinkSync(join(projectRoot, 'node_modules'), join(clone, 'node_modules'));
    const inClone = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/prunebench.js', ...args], {
        cwd: clone,
        encoding: 'utf8',
        timeout: 600_000,
        env: { ...env, PRUNEBENCH_CACHE_DIR: join(clone, '..', 'cache') },
      });
    const run = inClone('run', '--suite', 'smoke', '--workers', '2', '--no-progress');
    expect(run.stderr).toMatch(/finished: 10 ran, 0 failed, 0 already done/);
    expect(run.status).toBe(0);
    expect(filesUnder(join(clone, LOCAL_RESULTS, 'runs')).filter((f) => f.endsWith('.json'))).toHaveLength(10);
    // The node_modules symlink is this test's own (a symlink is not matched by `node_modules/`).
    expect(execFileSync('git', ['status', '--porcelain', '--', '.', ':!node_modules'], { cwd: clone, encoding: 'utf8' })).toBe('');
    // report reads the same folder by default.
    const report = inClone('report', '--suite', 'smoke');
    expect(report.stdout).toMatch(/planted-circle-tiny/);
    expect(report.status).toBe(0);
  }, 600_000);
});
