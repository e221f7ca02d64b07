/**
 * The sandbox where the kernel's namespaces and cgroups are not available: it says so, records the
 * reduced level, and still enforces the permission model, the hardening and a memory limit.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentVersions } from '../jobs/spec.ts';
import { blobTask, testManifest } from '../testing/fixtures.ts';
import { initialWeightsFor } from '../run/execute.ts';

process.env.PRUNEBENCH_SANDBOX_ISOLATION = 'reduced';
const { isolationLevel } = await import('./isolation.ts');
const { sandboxedPruner } = await import('./sandboxed-pruner.ts');
const { bundleMethod } = await import('./bundle.ts');

const work = mkdtempSync(join(tmpdir(), 'pb-fallback-'));
const task = blobTask();

async function pruneWith(name: string, body: string, memoryBudgetMb = 1024) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.ts'), `export async function prune(ctx: any) {\n${body}\n}\n`);
  const bundle = await bundleMethod(join(dir, 'index.ts'), join(work, 'bundles'), name);
  const data = await task.load(0);
  const pruner = sandboxedPruner({ bundle, workDir: work, backend: 'cpu', wasmDir: null, timeBudgetSeconds: () => 60, memoryBudgetMb });
  return pruner({
    spec: { ...currentVersions(), task: { id: task.id, version: task.version }, method: { id: name, version: '1.0.0', hyperparameters: {} }, control: null, sparsity: 0.5, seed: 0 },
    manifest: testManifest(),
    architecture: task.architecture,
    recipe: task.recipe,
    taskKind: task.kind,
    train: data.splits.train,
    validation: data.splits.validation,
    weights: initialWeightsFor(task, data, 0),
  });
}

describe('sandbox without namespaces or cgroups', () => {
  it('reports a reduced level, naming what is missing', () => {
    const level = isolationLevel();
    expect(level.level).toBe('reduced');
    expect(level.mechanisms).not.toContain('network-namespace');
    expect(level.mechanisms).toContain('memory-rlimit');
    expect(level.missing.join(' ')).toMatch(/namespaces/);
  });

  it('still takes the network away from method code and limits memory', async () => {
    await expect(pruneWith('fetch', "await fetch('http://127.0.0.1:9/'); return { scores: {} };")).rejects.toThrow(/permission violation \(Sandbox of fetch\)/);
    await expect(pruneWith('burst', 'new Uint8Array(512 * 1024 * 1024).fill(1); return { scores: {} };', 256)).rejects.toThrow(/exceeded its memory budget of 256 MB/);
  });
});
