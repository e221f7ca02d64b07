import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from './main.ts';
import { newMethodCommand } from './new-method-command.ts';
import { checkManifest } from '../harness/validate/file-checks.ts';
import { readManifest } from '../harness/registry/methods.ts';
import { tinyPruneContext } from '../harness/testing/tiny-context.ts';
import type { PruneFunction, WeightMap } from '../api/method-api.ts';

const projectRoot = new URL('../', import.meta.url).pathname;

function tempMethodsDir(): string {
  return mkdtempSync(join(tmpdir(), 'pb-new-method-'));
}

async function scaffold(id: string, dir: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await newMethodCommand(
    id,
    { dir },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

/** Runs the scaffolded golden test with vitest, rooted in the temporary directory. */
function runGoldenTest(root: string, id: string): { code: number; output: string } {
  const r = spawnSync(process.execPath, [join(projectRoot, 'node_modules/vitest/vitest.mjs'), 'run', '--root', root, join(root, id)], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

describe('prunebench new-method', () => {
  it('creates a schema-valid manifest with TODO placeholders that validate rejects, index.ts and a golden test', async () => {
    const dir = tempMethodsDir();
    const { code, out } = await scaffold('my-score', dir);
    expect(code).toBe(0);
    expect(readdirSync(join(dir, 'my-score')).sort()).toEqual(['index.ts', 'manifest.json', 'my-score.test.ts']);
    expect(out.join('\n')).toContain('--methods my-score');
    const manifestFile = join(dir, 'my-score', 'manifest.json');
    // Schema-valid, but validate refuses it until every placeholder is written.
    expect(checkManifest(manifestFile, 'my-score').map((p) => `${p.severity} ${p.path}`)).toEqual([
      'error /name',
      'error /description',
      'error /hyperparameters/exponent/help',
      'error /choices',
    ]);
    const manifest = readManifest(manifestFile);
    expect(manifest.id).toBe('my-score');
    expect(manifest.description).toMatch(/^TODO/);
    expect(manifest.name).toMatch(/^TODO/);
    expect(Object.keys(manifest).sort()).toEqual([
      'choices',
      'description',
      'hyperparameters',
      'id',
      'name',
      'needs',
      'output',
      'scope',
      'version',
      'when',
    ]);
  });

  it("scaffolds a prune() that scores by |θ| through the harness's real context", async () => {
    const dir = tempMethodsDir();
    await scaffold('abs-score', dir);
    const { prune } = (await import(pathToFileURL(join(dir, 'abs-score', 'index.ts')).href)) as { prune: PruneFunction };
    const weights: WeightMap = {
      'fc1/kernel': Float32Array.from([1, -2, 3, -4, 5, -6]),
      'fc1/bias': Float32Array.from([0, 0, 0]),
      'fc2/kernel': Float32Array.from([-0.5, 0.25, -7, 8, 0, -1]),
      'fc2/bias': Float32Array.from([0, 0]),
    };
    const { ctx, network } = await tinyPruneContext({
      weights,
      sparsity: 0.5,
      manifest: readManifest(join(dir, 'abs-score', 'manifest.json')),
    });
    const result = await prune(ctx);
    network.dispose();
    expect('scores' in result && [...result.scores['fc1/kernel']]).toEqual([1, 2, 3, 4, 5, 6]);
    expect('scores' in result && [...result.scores['fc2/kernel']]).toEqual([0.5, 0.25, 7, 8, 0, 1]);
  });

  it('scaffolds a golden test that passes for the placeholder and fails when the score changes', async () => {
    const root = tempMethodsDir();
    symlinkSync(join(projectRoot, 'node_modules'), join(root, 'node_modules'));
    const dir = join(root, 'methods');
    mkdirSync(dir);
    await scaffold('golden', dir);
    const passing = runGoldenTest(root, 'methods/golden');
    expect(passing.output).toMatch(/4 passed/);
    expect(passing.code).toBe(0);
    // Inverting the score keeps the count right but every score and mask wrong (θ² stays θ²).
    const index = join(dir, 'golden', 'index.ts');
    writeFileSync(index, readFileSync(index, 'utf8').replace('Math.abs(w)', '-Math.abs(w)'));
    const failing = runGoldenTest(root, 'methods/golden');
    expect(failing.output).toMatch(/2 failed \| 2 passed/);
    expect(failing.code).not.toBe(0);
  });

  it('refuses malformed ids with a clear message and exit code 1', async () => {
    const dir = tempMethodsDir();
    for (const id of ['My-Method', '-leading-hyphen', 'under_score', 'a'.repeat(49), '', 'dots.in.id', '../escape']) {
      const { code, err } = await scaffold(id, dir);
      expect(code).toBe(1);
      expect(err.join('\n')).toContain('is not a valid method id');
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an id that already exists and leaves the folder untouched', async () => {
    const dir = tempMethodsDir();
    await scaffold('taken', dir);
    writeFileSync(join(dir, 'taken', 'index.ts'), 'export const mine = 1;\n');
    const { code, err } = await scaffold('taken', dir);
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/already exists/);
    expect(readFileSync(join(dir, 'taken', 'index.ts'), 'utf8')).toBe('export const mine = 1;\n');
  });

  it('refuses the id of a variant another manifest declares', async () => {
    const dir = tempMethodsDir();
    await scaffold('base', dir);
    const manifestFile = join(dir, 'base', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    writeFileSync(
      manifestFile,
      JSON.stringify({
        ...manifest,
        variants: [{ id: 'base-layerwise', name: 'Base, layerwise', description: 'Per layer.', scope: 'layerwise' }],
      }),
    );
    const { code, err } = await scaffold('base-layerwise', dir);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain("'base-layerwise' is already a registered method id");
    expect(readdirSync(dir)).toEqual(['base']);
  });

  it('is registered on the command line with --dir, exiting non-zero on a refused id', async () => {
    const dir = tempMethodsDir();
    expect(await main(['node', 'prunebench', 'new-method', 'from-cli', '--dir', dir])).toBe(0);
    expect(readdirSync(join(dir, 'from-cli'))).toHaveLength(3);
    expect(await main(['node', 'prunebench', 'new-method', 'from-cli', '--dir', dir])).toBe(1);
  });
});
