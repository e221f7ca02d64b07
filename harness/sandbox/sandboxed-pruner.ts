import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeArrayFile, type NamedArrays } from '../../engine/array-file.ts';
import type { Dataset } from '../../engine/types.ts';
import type { PruneOutcome, PruneRequest, Pruner } from '../prune/run-prune.ts';
import type { SandboxLevelMessage, SandboxReply, SandboxRequest } from './protocol.ts';
import { trunkLevelToFile } from '../prune/trunk-level.ts';
import { isolationLevel, launchCommand } from './isolation.ts';
import { createMemoryCgroup } from './memory-limit.ts';

export interface SandboxOptions {
  bundle: string;
  /** Directory for the job's input files (train/validation data, starting weights). */
  workDir: string;
  backend: 'wasm' | 'cpu';
  wasmDir: string | null;
  /** Wall-clock budget of one prune() call, by request (the task's job budget). */
  timeBudgetSeconds: (request: PruneRequest) => number;
  memoryBudgetMb: number;
}

export class SandboxViolation extends Error {}

function splitArrays(prefix: string, data: Dataset): NamedArrays {
  const out: NamedArrays = { [`${prefix}.x`]: data.x, [`${prefix}.y`]: data.y };
  if (data.groups) out[`${prefix}.groups`] = data.groups;
  return out;
}

/** Resident memory of a process in MB (Linux /proc), or null where unavailable. */
function residentMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Kills a process group; no error when it is already gone. */
function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Resolves when the process has exited, or after `ms` at the latest. */
function exited(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const memoryFailure = /out of memory|allocation failed|cannot allocate/i;
const STDERR_TAIL_CHARS = 4000;

/**
 * Runs prune() in a child process isolated as well as this machine allows (isolation.ts: own
 * network and PID namespaces, killed with its parent, a kernel memory limit; always Node's
 * permission model: file reads of the bundle, the wasm binaries and this job's input files only, no
 * writes, no child processes, no worker threads), with a wall-clock budget. The test split is never
 * written where it can read. Every process of the sandbox is gone when the call returns.
 */
export function sandboxedPruner(options: SandboxOptions): Pruner {
  let dataFileFor: { key: string; file: string } | null = null;
  const isolation = isolationLevel();
  return async (request: PruneRequest): Promise<PruneOutcome> => {
    const timeBudgetSeconds = options.timeBudgetSeconds(request);
    const budgetMb = options.memoryBudgetMb;
    const key = `${request.spec.task.id}@${request.spec.task.version}#${request.spec.seed}`;
    if (!dataFileFor || dataFileFor.key !== key) {
      const file = join(options.workDir, `data-${process.pid}.bin`);
      writeArrayFile(
        file,
        { ...splitArrays('train', request.train), ...splitArrays('validation', request.validation) },
        { inputShape: request.train.inputShape, outputSize: request.train.outputSize },
      );
      dataFileFor = { key, file };
    }
    const weightsFile = join(options.workDir, `weights-${process.pid}.bin`);
    writeArrayFile(weightsFile, request.weights);
    const trunkStart = request.trunk?.start ?? null;
    const trunkFile = trunkStart ? join(options.workDir, `trunk-${process.pid}.bin`) : null;
    if (trunkStart) {
      const { arrays, meta } = trunkLevelToFile(trunkStart);
      writeArrayFile(trunkFile!, arrays, meta);
    }
    const message: SandboxRequest = {
      backend: options.backend,
      wasmDir: options.wasmDir,
      spec: request.spec,
      manifest: request.manifest,
      architecture: request.architecture,
      recipe: request.recipe,
      taskKind: request.taskKind,
      dataFile: dataFileFor.file,
      weightsFile,
      trunk: request.trunk ? { startFile: trunkFile } : null,
    };
    const readable = [
      options.bundle,
      dataFileFor.file,
      weightsFile,
      ...(trunkFile ? [trunkFile] : []),
      ...(options.wasmDir ? [options.wasmDir] : []),
    ];
    const nodeArgs = [
      '--experimental-permission',
      ...readable.map((p) => `--allow-fs-read=${p}`),
      `--max-old-space-size=${budgetMb}`,
      '--no-warnings',
      options.bundle,
    ];
    const cgroup = isolation.mechanisms.includes('memory-cgroup') ? createMemoryCgroup(budgetMb) : null;
    const launch = launchCommand(nodeArgs, budgetMb, cgroup);
    // Its own session and process group: a signal to "its group" reaches only the sandbox itself.
    const child = spawn(launch.command, launch.args, {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: {},
      detached: true,
    });
    let stderrTail = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    const overBudget = (detail: string): SandboxReply => ({
      type: 'error',
      message: `exceeded its memory budget of ${budgetMb} MB (${detail}) and was stopped`,
      violation: null,
    });
    try {
      const reply = await new Promise<SandboxReply>((resolve) => {
        let settled = false;
        const finish = (r: SandboxReply) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (memoryWatch) clearInterval(memoryWatch);
          resolve(r);
        };
        const timer = setTimeout(() => {
          killGroup(child.pid);
          finish({ type: 'error', message: `exceeded its time budget of ${timeBudgetSeconds} s and was stopped`, violation: null });
        }, timeBudgetSeconds * 1000);
        // Only where the kernel enforces no limit: a poll sees no burst shorter than its interval.
        const memoryWatch = isolation.mechanisms.includes('memory-polling')
          ? setInterval(() => {
              const mb = child.pid ? residentMb(child.pid) : null;
              if (mb !== null && mb > budgetMb) {
                killGroup(child.pid);
                finish(overBudget(`resident ${Math.round(mb)} MB`));
              }
            }, 200)
          : null;
        child.on('message', (r: SandboxReply | SandboxLevelMessage) => {
          if (r.type === 'level') {
            try {
              if (!request.trunk) throw new Error('sent a trunk level, but the job keeps no trunk');
              request.trunk.onLevel(r.level);
            } catch (e) {
              killGroup(child.pid);
              finish({ type: 'error', message: `trunk level refused: ${(e as Error).message}`, violation: null });
            }
            return;
          }
          finish(
            r.type === 'error' && !r.violation && memoryFailure.test(r.message) ? overBudget(`an allocation was refused: ${r.message}`) : r,
          );
        });
        child.once('error', (e) =>
          finish({ type: 'error', message: `the method's process could not start: ${e.message}`, violation: null }),
        );
        child.once('exit', (code, signal) => {
          if (cgroup?.oomKilled()) finish(overBudget('stopped by the kernel memory limit'));
          else if (memoryFailure.test(stderrTail))
            finish(overBudget(`the process ran out of memory: ${stderrTail.trim().split('\n').slice(-3).join(' ').slice(0, 300)}`));
          else
            finish({
              type: 'error',
              message: `the method's process exited (${signal ?? `code ${code}`}) without a result${stderrTail.trim() ? `: ${stderrTail.trim().slice(-500)}` : ''}`,
              violation: null,
            });
        });
        child.send(message);
      });
      if (reply.type === 'error') {
        throw reply.violation
          ? new SandboxViolation(`permission violation (${reply.violation}): ${reply.message}`)
          : new Error(reply.message);
      }
      return { result: reply.result, weights: reply.weights, trainings: reply.trainings };
    } finally {
      killGroup(child.pid);
      if (child.exitCode === null && child.signalCode === null) await exited(child, 5000);
      cgroup?.remove();
      rmSync(weightsFile, { force: true });
      if (trunkFile) rmSync(trunkFile, { force: true });
    }
  };
}
