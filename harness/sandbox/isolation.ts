/**
 * How a sandboxed prune process is started, and how well it is isolated on this machine. Full
 * isolation: its own user, network and PID namespaces (no network at all, no other process to
 * signal or trace), killed with its parent (no process outlives the run), and a kernel memory limit.
 * Where a mechanism is missing the process still runs under Node's permission model, the run says
 * so loudly, and every record carries the level it was made at.
 */
import { spawnSync } from 'node:child_process';
import { memoryCgroupsAvailable, type MemoryCgroup } from './memory-limit.ts';

export type IsolationMechanism =
  | 'permission-model'
  | 'network-namespace'
  | 'pid-namespace'
  | 'parent-death-signal'
  | 'memory-cgroup'
  | 'memory-rlimit'
  | 'memory-polling';

export interface IsolationLevel {
  level: 'full' | 'reduced';
  mechanisms: IsolationMechanism[];
  /** What full isolation needs and this machine lacks, as sentences. */
  missing: string[];
}

const namespaceArgs = ['--user', '--map-root-user', '--net', '--pid', '--kill-child', '--'];

function works(command: string, args: string[]): boolean {
  try {
    return spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
  } catch {
    return false;
  }
}

let probed: { namespaces: boolean; parentDeath: boolean; cgroups: boolean; rlimit: boolean } | null = null;

/**
 * PRUNEBENCH_SANDBOX_ISOLATION=reduced leaves out namespaces, the parent-death signal and cgroups,
 * as on a machine without them, to see (and test) the fallback.
 */
function probe(): NonNullable<typeof probed> {
  const linux = process.platform === 'linux';
  const kernel = linux && process.env.PRUNEBENCH_SANDBOX_ISOLATION !== 'reduced';
  probed ??= {
    namespaces: kernel && works('unshare', [...namespaceArgs, 'true']),
    parentDeath: kernel && works('setpriv', ['--pdeathsig', 'KILL', '--', 'true']),
    cgroups: kernel && memoryCgroupsAvailable(),
    rlimit: linux && works('prlimit', ['--data=unlimited', '--', 'true']),
  };
  return probed;
}

/** What this machine gives a sandboxed process (probed once per process). */
export function isolationLevel(): IsolationLevel {
  const p = probe();
  const mechanisms: IsolationMechanism[] = ['permission-model'];
  const missing: string[] = [];
  if (p.namespaces) mechanisms.push('network-namespace', 'pid-namespace');
  else
    missing.push(
      "no user/network/PID namespaces (util-linux 'unshare --user --map-root-user --net --pid' failed): the method process can reach the network and signal other processes of this user",
    );
  if (p.parentDeath) mechanisms.push('parent-death-signal');
  else missing.push("no parent-death signal (util-linux 'setpriv --pdeathsig' missing): a method process can outlive a killed worker");
  if (p.cgroups) mechanisms.push('memory-cgroup');
  else if (p.rlimit) mechanisms.push('memory-rlimit');
  else {
    mechanisms.push('memory-polling');
    missing.push(
      "no kernel memory limit (no writable memory cgroup, no util-linux 'prlimit'): memory is only polled, and a short burst is not seen",
    );
  }
  const level = p.namespaces && p.parentDeath && (p.cgroups || p.rlimit) ? 'full' : 'reduced';
  return { level, mechanisms, missing };
}

export interface LaunchCommand {
  command: string;
  args: string[];
}

/**
 * The command that starts `node nodeArgs…` with every isolation mechanism available: it joins the
 * memory cgroup (before anything is allocated), gets a parent-death signal, a data-size limit where
 * there is no cgroup, and its own namespaces.
 */
export function launchCommand(nodeArgs: string[], memoryBudgetMb: number, cgroup: MemoryCgroup | null): LaunchCommand {
  const p = probe();
  const chain: string[] = [];
  if (cgroup) chain.push('sh', '-c', 'echo $$ > "$0" && exec "$@"', cgroup.procsFile);
  if (p.parentDeath) chain.push('setpriv', '--pdeathsig', 'KILL', '--');
  if (!cgroup && p.rlimit) {
    const bytes = Math.round(memoryBudgetMb * 1024 * 1024);
    chain.push('prlimit', `--data=${bytes}:${bytes}`, '--');
  }
  if (p.namespaces) chain.push('unshare', ...namespaceArgs);
  chain.push(process.execPath, ...nodeArgs);
  return { command: chain[0], args: chain.slice(1) };
}

/** Whether full isolation is demanded: PRUNEBENCH_REQUIRE_ISOLATION=1, or CI=true. */
export function fullIsolationRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.PRUNEBENCH_REQUIRE_ISOLATION === '1' || (env.CI === 'true' && env.PRUNEBENCH_REQUIRE_ISOLATION !== '0');
}

/** `command args…`, started so that it is killed when the calling process dies (where setpriv exists). */
export function withParentDeathSignal(command: string, args: string[]): LaunchCommand {
  return probe().parentDeath ? { command: 'setpriv', args: ['--pdeathsig', 'KILL', '--', command, ...args] } : { command, args };
}

/**
 * Says loudly when method processes will be less than fully isolated. False when full isolation is
 * required (fullIsolationRequired) and missing: the caller must then refuse to run.
 */
export function announceIsolation(log: (line: string) => void): boolean {
  const level = isolationLevel();
  if (level.level === 'full') return true;
  log(`WARNING: method code will run with REDUCED isolation (${level.mechanisms.join(', ')}); records say so in environment.isolation:`);
  for (const line of level.missing) log(`  - ${line}`);
  if (!fullIsolationRequired()) return true;
  log(
    'refusing to run: full isolation is required here (CI=true or PRUNEBENCH_REQUIRE_ISOLATION=1; set PRUNEBENCH_REQUIRE_ISOLATION=0 to allow the reduced level). See README "Isolation".',
  );
  return false;
}
