/**
 * A full submission rehearsal, as CONTRIBUTING.md describes it, in a fresh local clone of this
 * repository: scaffold a method, give it a score, update and run its golden test, run it on a suite,
 * validate (history included, against the clone's origin/main) and verify a record.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesUnder, projectRoot } from './cli-helpers.ts';

// The clone keeps its own caches and runs unsharded, whatever the environment of the test says.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PRUNEBENCH_')));

function inClone(clone: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: clone, encoding: 'utf8', timeout: 600_000, env: { ...env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('submitting a method (rehearsal in a clone)', () => {
  it('goes from new-method to a validated, verified record', () => {
    const clone = join(mkdtempSync(join(tmpdir(), 'pb-submission-')), 'prunebench');
    execFileSync('git', ['clone', '-q', projectRoot, clone]);
    symlinkSync(join(projectRoot, 'node_modules'), join(clone, 'node_modules'));
    // What a contributor's fork has: origin/main. A clone of a checkout on another branch or a detached HEAD lacks it.
    const hasOriginMain = spawnSync('git', ['rev-parse', '--verify', '--quiet', 'refs/remotes/origin/main'], { cwd: clone }).status === 0;
    if (!hasOriginMain) execFileSync('git', ['update-ref', 'refs/remotes/origin/main', 'HEAD'], { cwd: clone });
    const prunebench = (...args: string[]) => inClone(clone, ['bin/prunebench.js', ...args]);

    // 1. Scaffold.
    const scaffolded = prunebench('new-method', 'my-score');
    expect(scaffolded.stderr).toBe('');
    expect(scaffolded.code).toBe(0);
    const dir = join(clone, 'methods', 'my-score');

    // 2–3. Manifest and score: θ² (raised to the scaffold's exponent hyperparameter, 1 by default), which ranks like |θ|.
    const manifestFile = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest.name = 'Squared magnitude';
    manifest.description = 'Scores every weight of the trained network by θ²; a rehearsal method.';
    manifest.hyperparameters.exponent.help = 'Power of θ² in the score (1: the square itself).';
    delete manifest.choices;
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    const indexFile = join(dir, 'index.ts');
    const index = readFileSync(indexFile, 'utf8');
    expect(index).toContain('Math.abs(w)');
    writeFileSync(indexFile, index.replace('Math.abs(w)', 'w * w'));

    // 4. Golden test: first unchanged, so it must catch the new score; then with hand-squared values.
    const golden = () => inClone(clone, ['node_modules/vitest/vitest.mjs', 'run', 'methods/my-score']);
    const stale = golden();
    expect(stale.stdout).toMatch(/2 failed \| 2 passed/);
    const testFile = join(dir, 'my-score.test.ts');
    const test = readFileSync(testFile, 'utf8');
    const updated = test
      .replace(
        /expect\(\[\.\.\.scores\['fc1\/kernel'\]\]\)[^\n]*/,
        "[0.64, 0.01, 0.16, 0.36, 0.04, 0.0025].forEach((v, i) => expect(scores['fc1/kernel'][i]).toBeCloseTo(v, 6));",
      )
      .replace(
        /expect\(\[\.\.\.scores\['fc2\/kernel'\]\]\)[^\n]*/,
        "[0.09, 0.49, 0.0004, 0.25, 0.0225, 0.0001].forEach((v, i) => expect(scores['fc2/kernel'][i]).toBeCloseTo(v, 6));",
      )
      // With exponent 2 the score is θ⁴.
      .replace(
        /expect\(\[\.\.\.result\.scores\['fc2\/kernel'\]\]\)[^\n]*/,
        "[0.0081, 0.2401, 1.6e-7, 0.0625, 0.00050625, 1e-8].forEach((v, i) => expect(result.scores['fc2/kernel'][i]).toBeCloseTo(v, 6));",
      );
    expect(updated).not.toBe(test);
    writeFileSync(testFile, updated);
    const passing = golden();
    expect(passing.stdout).toMatch(/4 passed/);
    expect(passing.code).toBe(0);

    // 5. Run it on the quick suite's grid, one task and sparsity. Records go to the default, git-ignored
    // .prunebench/results, apart from the records the repository holds.
    const run = prunebench(
      'run',
      '--suite',
      'quick',
      '--methods',
      'my-score',
      '--tasks',
      'mnist-lenet300-small',
      '--sparsities',
      '0.9',
      '--workers',
      '1',
      '--no-progress',
    );
    expect(run.stderr).toMatch(/finished: 2 ran, 0 failed, 0 already done/);
    expect(run.code).toBe(0);
    const records = filesUnder(join(clone, '.prunebench', 'results', 'runs'));
    expect(records.filter((f) => f.startsWith('mnist-lenet300-small/my-score/'))).toHaveLength(1);
    const report = prunebench('report', '--suite', 'quick', '--format', 'csv');
    expect(report.stdout).toMatch(/my-score/);

    // 6. Validate, with the history check against the clone's origin/main.
    const validate = prunebench('validate', '--base', 'origin/main');
    expect(validate.stdout).toMatch(
      /note: history: results compared with origin\/main at merge base [0-9a-f]{12}: 0 records removed or changed/,
    );
    expect(validate.stdout).toMatch(/^valid: .* 0 errors/m);
    expect(validate.code).toBe(0);

    // Verify re-runs a sampled record from scratch and finds every metric identical.
    const verify = prunebench('verify', '--sample', '1', '--results', '.prunebench/results');
    expect(verify.stdout).toMatch(/every metric identical/);
    expect(verify.code).toBe(0);

    // 7. The pull request holds the method folder; CI's changed-method step would pick it up.
    execFileSync('git', ['checkout', '-q', '-b', 'add-my-score'], { cwd: clone });
    execFileSync('git', ['add', 'methods/my-score'], { cwd: clone });
    // Nothing else: the run's records are git-ignored (the node_modules symlink is this test's own).
    const status = execFileSync('git', ['status', '--porcelain', '--', '.', ':!node_modules'], { cwd: clone, encoding: 'utf8' });
    expect(status.trim().split('\n').sort()).toEqual([
      'A  methods/my-score/index.ts',
      'A  methods/my-score/manifest.json',
      'A  methods/my-score/my-score.test.ts',
    ]);
  }, 900_000);
});
