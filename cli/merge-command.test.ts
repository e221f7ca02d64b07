import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { recordRelativePath } from '../harness/jobs/spec.ts';
import { makeRecord } from '../harness/testing/record-factory.ts';
import { mergeCommand } from './merge-command.ts';

describe('prunebench merge', () => {
  it('merges the valid records of every source, prints the counts and exits 1 naming an invalid file', async () => {
    const [target, a, b] = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'pb-merge-cli-')));
    // A method no registry knows has no current source hash, so its records are never stale.
    const records = [0, 1, 2].map((seed) => makeRecord({ method: 'unregistered-method', seed }));
    for (const [root, r] of [
      [a, records[0]],
      [a, records[1]],
      [b, records[1]],
      [b, records[2]],
    ] as const) {
      const file = join(root, recordRelativePath(r.job as never));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(r));
    }
    const corrupt = join(b, 'runs/mnist-lenet300/unregistered-method/corrupt.json');
    writeFileSync(corrupt, '{');
    const out: string[] = [];
    const err: string[] = [];
    const code = await mergeCommand(
      [a, b],
      { results: target },
      (l) => out.push(l),
      (l) => err.push(l),
    );
    expect(code).toBe(1);
    expect(out.at(-1)).toMatch(/: 3 added, 0 replaced, 1 identical, 0 kept, 0 stale left out, 1 invalid$/);
    expect(err.join('\n')).toContain(corrupt);
  });
});
