import { fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeArrayFile, type NamedArrays } from '../engine/array-file.ts';
import type { Dataset } from '../engine/types.ts';
import type { PruneOutcome, PruneRequest, Pruner } from '../prune/run-prune.ts';
import type { SandboxReply, SandboxRequest } from './protocol.ts';

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

/**
 * Runs prune() in a child process under Node's permission model (file reads: the bundle, the wasm
 * binaries and this job's input files only; no writes, no child processes, no worker threads),
 * with a wall-clock and a resident-memory budget. The test split is never written where it can read.
 */
export function sandboxedPruner(options: SandboxOptions): Pruner {
  let dataFileFor: { key: string; file: string } | null = null;
  return async (request: PruneRequest): Promise<PruneOutcome> => {
    const timeBudgetSeconds = options.timeBudgetSeconds(request);
    const key = `${request.spec.task.id}@${request.spec.task.version}#${request.spec.seed}`;
    if (!dataFileFor || dataFileFor.key !== key) {
      const file = join(options.workDir, `data-${process.pid}.bin`);
      writeArrayFile(file, { ...splitArrays('train', request.train), ...splitArrays('validation', request.validation) }, { inputShape: request.train.inputShape, outputSize: request.train.outputSize });
      dataFileFor = { key, file };
    }
    const weightsFile = join(options.workDir, `weights-${process.pid}.bin`);
    writeArrayFile(weightsFile, request.weights);
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
    };
    const readable = [options.bundle, dataFileFor.file, weightsFile, ...(options.wasmDir ? [options.wasmDir] : [])];
    const child = fork(options.bundle, [], {
      execArgv: ['--experimental-permission', ...readable.map((p) => `--allow-fs-read=${p}`), `--max-old-space-size=${options.memoryBudgetMb}`, '--no-warnings'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: {},
    });
    try {
      const reply = await new Promise<SandboxReply>((resolve) => {
        let settled = false;
        const finish = (r: SandboxReply) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearInterval(memoryWatch);
          resolve(r);
        };
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          finish({ type: 'error', message: `exceeded its time budget of ${timeBudgetSeconds} s and was stopped`, violation: null });
        }, timeBudgetSeconds * 1000);
        const memoryWatch = setInterval(() => {
          const mb = child.pid ? residentMb(child.pid) : null;
          if (mb !== null && mb > options.memoryBudgetMb) {
            child.kill('SIGKILL');
            finish({ type: 'error', message: `exceeded its memory budget of ${options.memoryBudgetMb} MB (resident ${Math.round(mb)} MB) and was stopped`, violation: null });
          }
        }, 200);
        child.once('message', (r: SandboxReply) => finish(r));
        child.once('exit', (code, signal) => finish({ type: 'error', message: `the method's process exited (${signal ?? `code ${code}`}) without a result`, violation: null }));
        child.send(message);
      });
      if (reply.type === 'error') {
        throw reply.violation ? new SandboxViolation(`permission violation (${reply.violation}): ${reply.message}`) : new Error(reply.message);
      }
      return { result: reply.result, weights: reply.weights };
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(weightsFile, { force: true });
    }
  };
}
