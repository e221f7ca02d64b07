/**
 * A kernel-enforced memory limit for one sandboxed process: a memory cgroup (v1 or v2) below the
 * cgroup this process runs in, where it may create one. The kernel stops the process the moment
 * it goes over, however short the burst.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryCgroup {
  readonly dir: string;
  readonly version: 'v1' | 'v2';
  /** The file a process joins the cgroup through (its pid written into it). */
  readonly procsFile: string;
  /** True when the kernel killed a process of this cgroup for going over the limit. */
  oomKilled(): boolean;
  remove(): void;
}

/** The directory of this process's own memory cgroup, or null where there is none we can see. */
function ownMemoryCgroup(): { dir: string; version: 'v1' | 'v2' } | null {
  let lines: string[];
  try {
    lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
  } catch {
    return null;
  }
  for (const line of lines) {
    const [, controllers, path] = line.split(':');
    if (controllers.split(',').includes('memory') && existsSync('/sys/fs/cgroup/memory'))
      return { dir: join('/sys/fs/cgroup/memory', path), version: 'v1' };
  }
  const unified = lines.find((l) => l.startsWith('0::'));
  if (unified && existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    const dir = join('/sys/fs/cgroup', unified.slice(3));
    const delegated =
      existsSync(join(dir, 'cgroup.subtree_control')) &&
      readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('memory');
    if (delegated) return { dir, version: 'v2' };
  }
  return null;
}

let counter = 0;

function counterValue(file: string, key: string): number {
  try {
    const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Creates a cgroup limited to `limitMb`, or returns null where this process may not create one. */
export function createMemoryCgroup(limitMb: number): MemoryCgroup | null {
  const own = ownMemoryCgroup();
  if (!own) return null;
  const dir = join(own.dir, `prunebench-${process.pid}-${counter++}`);
  const bytes = String(Math.round(limitMb * 1024 * 1024));
  try {
    mkdirSync(dir);
    if (own.version === 'v1') {
      writeFileSync(join(dir, 'memory.limit_in_bytes'), bytes);
      if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), bytes);
    } else {
      writeFileSync(join(dir, 'memory.max'), bytes);
      if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
    }
  } catch {
    try {
      rmdirSync(dir);
    } catch {
      // nothing was created
    }
    return null;
  }
  return {
    dir,
    version: own.version,
    procsFile: join(dir, 'cgroup.procs'),
    oomKilled: () =>
      own.version === 'v1'
        ? counterValue(join(dir, 'memory.oom_control'), 'oom_kill') > 0 || counterValue(join(dir, 'memory.oom_control'), 'under_oom') > 0
        : counterValue(join(dir, 'memory.events'), 'oom_kill') > 0,
    remove: () => {
      // The kernel removes a cgroup only once its last process is gone; a killed process can take a moment.
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          rmdirSync(dir);
          return;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        }
      }
    },
  };
}

/** Whether memory cgroups can be created here (one is created and removed). */
export function memoryCgroupsAvailable(): boolean {
  const probe = createMemoryCgroup(64);
  probe?.remove();
  return probe !== null;
}
