import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratch, removeStaleScratch } from './scratch.ts';

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
}

describe('run scratch directories', () => {
  it('removes the scratch of dead runs and keeps live ones', () => {
    const parent = mkdtempSync(join(tmpdir(), 'pb-scratch-'));
    const dead = join(parent, `prunebench-run-${deadPid()}-abc`);
    const live = join(parent, `prunebench-run-${process.ppid}-def`);
    const oldUnnamed = join(parent, 'prunebench-run-Xy12Zq');
    const newUnnamed = join(parent, 'prunebench-run-Ab34Cd');
    const unrelated = join(parent, 'something-else');
    for (const d of [dead, live, oldUnnamed, newUnnamed, unrelated]) {
      mkdirSync(d);
      writeFileSync(join(d, 'data.bin'), 'x');
    }
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    utimesSync(oldUnnamed, twoDaysAgo, twoDaysAgo);
    expect(removeStaleScratch(parent).sort()).toEqual([dead, oldUnnamed].sort());
    expect([live, newUnnamed, unrelated].every(existsSync)).toBe(true);
  });

  it("names a run's scratch with its pid and removes it when asked", () => {
    const parent = mkdtempSync(join(tmpdir(), 'pb-scratch-'));
    const scratch = createScratch(parent);
    expect(scratch.path).toContain(`prunebench-run-${process.pid}-`);
    expect(removeStaleScratch(parent)).toEqual([]);
    scratch.remove();
    expect(existsSync(scratch.path)).toBe(false);
  });
});
