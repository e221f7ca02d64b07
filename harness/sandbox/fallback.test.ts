/**
 * The sandbox where the kernel's namespaces and cgroups are not available: it says so, records the
 * reduced level, and still enforces the permission model, the hardening and a memory limit.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.PRUNEBENCH_SANDBOX_ISOLATION = 'reduced';
const { isolationLevel } = await import('./isolation.ts');
const { sandboxedPruner } = await import('./sandboxed-pruner.ts');
const { bundledMethod, blobPruneRequest } = await import('../testing/sandbox-fixtures.ts');

const work = mkdtempSync(join(tmpdir(), 'pb-fallback-'));

async function pruneWith(name: string, body: string, memoryBudgetMb = 1024) {
  const bundle = await bundledMethod(work, name, body);
  const pruner = sandboxedPruner({ bundle, workDir: work, backend: 'cpu', wasmDir: null, timeBudgetSeconds: () => 60, memoryBudgetMb });
  return pruner(await blobPruneRequest(name));
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
    await expect(pruneWith('fetch', "await fetch('http://127.0.0.1:9/'); return { scores: {} };")).rejects.toThrow(
      /permission violation \(Sandbox of fetch\)/,
    );
    await expect(pruneWith('burst', 'new Uint8Array(512 * 1024 * 1024).fill(1); return { scores: {} };', 256)).rejects.toThrow(
      /exceeded its memory budget of 256 MB/,
    );
  });
});
