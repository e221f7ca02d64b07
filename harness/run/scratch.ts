/**
 * A run's scratch directory in the temp folder (bundles, and the copy of the train/validation data
 * each sandboxed process reads). Its name carries the runner's pid, so the next run can tell the
 * scratch of a dead run (killed with SIGKILL, or its machine restarted) from a live one's and
 * remove it; a run removes its own on every exit it can catch.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'prunebench-run-';
/** Scratch of versions that did not name the pid: removed once this old. */
const UNNAMED_STALE_MS = 24 * 3600 * 1000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the scratch directories of runs that are no longer alive; returns what it removed. */
export function removeStaleScratch(dir = tmpdir(), now = Date.now()): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(PREFIX)) continue;
    const full = join(dir, name);
    const pid = /^prunebench-run-(\d+)-/.exec(name)?.[1];
    let stale: boolean;
    try {
      stale = pid ? Number(pid) !== process.pid && !alive(Number(pid)) : now - statSync(full).mtimeMs > UNNAMED_STALE_MS;
    } catch {
      continue;
    }
    if (!stale) continue;
    rmSync(full, { recursive: true, force: true });
    removed.push(full);
  }
  return removed;
}

/** A fresh scratch directory for this process's run, removed at process exit at the latest. */
export function createScratch(dir = tmpdir()): { path: string; remove: () => void } {
  const path = mkdtempSync(join(dir, `${PREFIX}${process.pid}-`));
  const remove = () => {
    rmSync(path, { recursive: true, force: true });
    process.off('exit', remove);
  };
  process.on('exit', remove);
  return { path, remove };
}
