import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { denseSpecFor, describeJob, jobId, type JobSpec } from '../jobs/spec.ts';
import type { ShardPlan } from '../jobs/plan.ts';
import { ResultStore } from '../store/store.ts';
import { SchemaError } from '../schema/validator.ts';
import { CheckpointCache } from './checkpoints.ts';
import { JobQueue, type TrunkPlace } from './job-queue.ts';
import { trunkKey } from './trunk-plan.ts';
import { bundleMethod, methodBundleName } from '../sandbox/bundle.ts';
import { currentSourceHashes, jobState, registeredMethodLookup, type MethodLookup } from './job-done.ts';
import { failedRecord, type RecordContext, type SparseStage } from './execute.ts';
import type { WorkerConfig, WorkerReply, WorkerRequest } from './worker.ts';
import { createScratch, removeStaleScratch } from './scratch.ts';
import { ignoreInspectorSignal } from './inspector-signal.ts';
import { RunEta } from './eta.ts';
import { withParentDeathSignal } from '../sandbox/isolation.ts';

const workerFile = fileURLToPath(new URL('./worker.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

export interface RunOptions {
  plan: ShardPlan;
  resultsDir: string;
  cacheDir: string;
  workers?: number;
  backend?: string;
  provenance: RecordContext['provenance'];
  /** Re-run jobs whose stored record is a failure. */
  retryFailed?: boolean;
  /** Wall-clock budget per job, by task id (seconds). */
  jobBudgetSeconds: (taskId: string) => number;
  onProgress?: (p: Progress) => void;
  onMessage?: (line: string) => void;
  /** A job's estimated wall time in seconds (from the records, as `run --plan` has it), for the time left; null where unknown. */
  costOf?: (job: JobSpec) => number | null;
}

export interface Progress {
  total: number;
  done: number;
  failed: number;
  skipped: number;
  remaining: number;
  etaSeconds: number | null;
  /** The job that just finished (so each progress line names a different job), null before the first. */
  current: string | null;
}

export interface RunSummary {
  ran: number;
  failed: number;
  skipped: number;
  backend: string | null;
  interrupted: boolean;
  /** Jobs stopped by an interruption: neither done nor failed, they run again on the next run. */
  interruptedJobs: number;
  failures: Array<{ job: string; reason: string }>;
}

/** A job in the runner's queue: the request a worker receives, and the job's description for progress and failures. */
interface QueuedJob {
  request: Extract<WorkerRequest, { type: 'dense' | 'sparse' }>;
  label: string;
}

interface WorkerSlot {
  child: ChildProcess;
  timer: NodeJS.Timeout | null;
  environment: RecordContext['environment'] | null;
  /** The stage the worker last reported for its current sparse job. */
  stage: SparseStage | null;
}

/** A worker's answer to a job, or the job's loss with the worker (it died, or ran out of time). */
type JobOutcome = WorkerReply | { type: 'lost'; message: string; timedOut: boolean };

/**
 * Bundles each method for the sandbox; a method whose bundling fails is left out, so its workers
 * bundle it themselves and record the error in each of its jobs.
 */
async function bundleMethods(ids: Set<string>, outDir: string, lookup: MethodLookup): Promise<Map<string, string>> {
  const bundles = new Map<string, string>();
  await Promise.all(
    [...ids].map(async (id) => {
      const method = lookup(id);
      if (!method) return; // reported per job by the worker
      try {
        bundles.set(id, await bundleMethod(join(method.dir, 'index.ts'), outDir, methodBundleName(id, method.sourceHash)));
      } catch {
        // reported per job by the worker
      }
    }),
  );
  return bundles;
}

/** Each sparse job's trunk (for methods whose manifest declares one), memoised per queued job. */
function trunkPlaces(jobs: QueuedJob[], lookup: MethodLookup): (queued: QueuedJob) => TrunkPlace | null {
  const places = new Map<QueuedJob, TrunkPlace | null>();
  for (const queued of jobs) {
    const spec = queued.request.spec;
    const method = lookup(spec.method!.id);
    places.set(
      queued,
      method?.manifest.trunk ? { trunk: trunkKey(spec, method.manifest, method.sourceHash), sparsity: spec.sparsity } : null,
    );
  }
  return (queued) => places.get(queued) ?? null;
}

export function defaultWorkerCount(): number {
  return Math.max(1, cpus().length);
}

/** Runs a planned (and possibly sharded) job list on a pool of worker processes. Resumable. */
export class Runner {
  private slots: Array<WorkerSlot | undefined> = [];
  private stopped = false;
  /** Why each failed dense reference failed, by its job id: its sparse jobs fail with that reason. */
  private readonly denseFailures = new Map<string, string>();
  private readonly store: ResultStore;
  private readonly checkpoints: CheckpointCache;
  private scratchDir: string | null = null;
  private queue: JobQueue<QueuedJob> | null = null;
  private bundles: Promise<Map<string, string>> = Promise.resolve(new Map());

  constructor(private readonly opts: RunOptions) {
    this.store = new ResultStore(opts.resultsDir);
    this.checkpoints = new CheckpointCache(opts.cacheDir);
  }

  /** Stops dispatching and kills the workers; jobs in flight are lost, finished records stay. */
  stop(): void {
    this.stopped = true;
    this.queue?.close();
    for (const s of this.slots) s?.child.kill('SIGKILL');
  }

  /** Registered methods, each looked up once per run (bundles, trunks and the done rule share it). */
  private readonly methods = registeredMethodLookup();
  private readonly currentSourceHash = currentSourceHashes(this.methods);
  /** Jobs whose stored record is stale: made by code or a manifest of its method that has changed since. */
  private staleRecords = 0;

  private isDone(spec: JobSpec): boolean {
    const state = jobState(spec, this.store.read(spec), this.currentSourceHash, this.opts.retryFailed);
    if (state === 'stale') this.staleRecords++;
    return state === 'done';
  }

  /**
   * Every file at a planned job's path must be that job's record: a tampered or misplaced file is
   * neither trusted as done nor overwritten. Throws, naming the files.
   */
  private checkStoredRecords(specs: JobSpec[]): void {
    const bad: SchemaError[] = [];
    for (const spec of specs) {
      try {
        this.store.read(spec);
      } catch (e) {
        if (!(e instanceof SchemaError)) throw e;
        bad.push(e);
      }
    }
    if (bad.length)
      throw new Error(
        `refusing to run: ${bad.length} record file${bad.length === 1 ? ' is' : 's are'} not the record of the job whose path ${bad.length === 1 ? 'it is' : 'they are'} at (fix or remove ${bad.length === 1 ? 'it' : 'them'}; \`prunebench validate\` lists every problem):\n${bad.map((e) => `  ${e.message}`).join('\n')}`,
      );
  }

  async run(): Promise<RunSummary> {
    const { plan } = this.opts;
    this.checkStoredRecords([...plan.dense.filter((d) => plan.ownedDense.has(jobId(d))), ...plan.sparse]);
    const pendingSparse = plan.sparse.filter((s) => !this.isDone(s));
    if (this.staleRecords)
      this.opts.onMessage?.(
        `${this.staleRecords} stored record${this.staleRecords === 1 ? ' is' : 's are'} stale (made by code or a manifest of the method that has changed since): ${this.staleRecords === 1 ? 'its job runs' : 'their jobs run'} again and replace${this.staleRecords === 1 ? 's it' : ' them'}`,
      );
    const neededDense = new Set(pendingSparse.map((s) => jobId(denseSpecFor(s))));
    const queuedDense: QueuedJob[] = plan.dense
      .filter((d) => {
        const id = jobId(d);
        const ownedMissing = plan.ownedDense.has(id) && !this.store.has(d);
        const cacheMissing = neededDense.has(id) && !this.checkpoints.has(id);
        return ownedMissing || cacheMissing;
      })
      .map((d) => ({ request: { type: 'dense', spec: d, writeRecord: plan.ownedDense.has(jobId(d)) }, label: describeJob(d) }));
    const queuedSparse: QueuedJob[] = pendingSparse.map((s) => ({ request: { type: 'sparse', spec: s }, label: describeJob(s) }));

    const total = plan.dense.filter((d) => plan.ownedDense.has(jobId(d))).length + plan.sparse.length;
    const progress: Progress = {
      total,
      done: 0,
      failed: 0,
      skipped: 0,
      remaining: queuedDense.length + queuedSparse.length,
      etaSeconds: null,
      current: null,
    };
    progress.skipped = total - queuedDense.filter((t) => (t.request as { writeRecord?: boolean }).writeRecord).length - queuedSparse.length;
    const summary: RunSummary = {
      ran: 0,
      failed: 0,
      skipped: progress.skipped,
      backend: null,
      interrupted: false,
      interruptedJobs: 0,
      failures: [],
    };
    if (queuedDense.length + queuedSparse.length === 0) return summary;

    const started = performance.now();
    const workerCount = Math.max(1, Math.min(this.opts.workers ?? defaultWorkerCount(), queuedDense.length + queuedSparse.length));
    const pending = [...queuedDense, ...queuedSparse];
    const pendingIndex = new Map(pending.map((q, i) => [q, i]));
    const eta = new RunEta(pending.map((q) => this.opts.costOf?.(q.request.spec) ?? null));
    const report = () => {
      progress.etaSeconds = eta.seconds((performance.now() - started) / 1000);
      this.opts.onProgress?.({ ...progress });
    };
    report();

    const queue = new JobQueue(
      queuedDense,
      queuedSparse,
      (t) => jobId(t.request.spec),
      (t) => jobId(denseSpecFor(t.request.spec)),
      trunkPlaces(queuedSparse, this.methods),
    );
    this.queue = queue;
    if (this.stopped) queue.close();

    ignoreInspectorSignal();
    for (const dir of removeStaleScratch()) this.opts.onMessage?.(`removed the scratch of a run that is no longer alive: ${dir}`);
    const scratch = createScratch();
    this.scratchDir = scratch.path;
    // Every method is bundled once for the run (esbuild works in its own threads while the workers
    // start and train dense references), not once per worker.
    this.bundles = bundleMethods(
      new Set(queuedSparse.map((t) => t.request.spec.method!.id)),
      join(this.scratchDir, 'bundles'),
      this.methods,
    );
    try {
      await Promise.all(
        Array.from({ length: workerCount }, async (_, i) => {
          for (let queued = await queue.next(); queued; queued = await queue.next()) {
            const reply = await this.execute(i, queued);
            if (queued.request.type === 'sparse') queue.sparseFinished(queued);
            if (reply.status === 'interrupted') {
              summary.interruptedJobs++;
              continue;
            }
            progress.remaining--;
            progress.current = queued.label;
            eta.finished(pendingIndex.get(queued)!);
            if (reply.status === 'failed') {
              progress.failed++;
              summary.failed++;
              summary.failures.push({ job: queued.label, reason: reply.reason ?? 'unknown' });
            } else if (queued.request.type === 'sparse' || (queued.request as { writeRecord: boolean }).writeRecord) {
              progress.done++;
              summary.ran++;
            }
            if (queued.request.type === 'dense') queue.denseFinished(queued);
            report();
          }
        }),
      );
    } finally {
      for (const s of this.slots) s?.child.kill('SIGKILL');
      this.slots = [];
      scratch.remove();
    }
    summary.interrupted = this.stopped;
    return summary;
  }

  private config(): WorkerConfig {
    return {
      resultsDir: this.opts.resultsDir,
      cacheDir: this.opts.cacheDir,
      backend: this.opts.backend,
      provenance: this.opts.provenance,
      scratchDir: this.scratchDir!,
    };
  }

  private async slot(i: number): Promise<WorkerSlot> {
    const existing = this.slots[i];
    if (existing) return existing;
    // Killed with the runner (parent-death signal) where the machine allows: no worker outlives a run.
    const launch = withParentDeathSignal(process.execPath, ['--import', tsxLoader, workerFile]);
    const child = spawn(launch.command, launch.args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const slot: WorkerSlot = { child, timer: null, environment: null, stage: null };
    this.slots[i] = slot;
    const ready = await this.request(slot, { type: 'init', config: this.config() });
    if (ready.type !== 'ready') {
      this.retire(i);
      throw new Error(`worker failed to start: ${ready.type === 'fatal' || ready.type === 'lost' ? ready.message : ready.type}`);
    }
    slot.environment = ready.environment;
    this.opts.onMessage?.(`worker ${i + 1}: ${ready.note}`);
    return slot;
  }

  /** Kills a worker and forgets it: the next job of this slot starts a fresh one. */
  private retire(i: number): void {
    this.slots[i]?.child.kill('SIGKILL');
    this.slots[i] = undefined;
  }

  private request(slot: WorkerSlot, message: WorkerRequest, timeoutSeconds?: number): Promise<JobOutcome> {
    return new Promise((resolve) => {
      const cleanup = () => {
        slot.child.off('message', onMessage);
        slot.child.off('exit', onExit);
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = null;
      };
      const onMessage = (reply: WorkerReply) => {
        if (reply.type === 'stage') {
          slot.stage = reply.stage;
          return;
        }
        cleanup();
        resolve(reply);
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        resolve({
          type: 'lost',
          message: this.stopped ? 'interrupted' : `worker process exited (${signal ?? `code ${code}`}) during the job`,
          timedOut: false,
        });
      };
      slot.child.on('message', onMessage);
      slot.child.on('exit', onExit);
      if (timeoutSeconds) {
        slot.timer = setTimeout(() => {
          cleanup();
          slot.child.kill('SIGKILL');
          resolve({ type: 'lost', message: `exceeded the job time budget of ${timeoutSeconds} s and was stopped`, timedOut: true });
        }, timeoutSeconds * 1000);
      }
      slot.child.send(message);
    });
  }

  private async execute(i: number, queued: QueuedJob): Promise<{ status: 'ok' | 'failed' | 'cached' | 'interrupted'; reason?: string }> {
    let slot: WorkerSlot;
    try {
      slot = await this.slot(i);
    } catch (e) {
      return { status: 'failed', reason: (e as Error).message };
    }
    const spec = queued.request.spec;
    const context = { environment: slot.environment!, provenance: this.opts.provenance };
    if (queued.request.type === 'sparse') {
      const denseFailure = this.denseFailures.get(jobId(denseSpecFor(spec)));
      if (denseFailure) {
        const reason = `its dense reference (${describeJob(denseSpecFor(spec))}) failed: ${denseFailure}`;
        this.store.write(failedRecord(spec, context, 'setup', reason, null, 0));
        return { status: 'failed', reason };
      }
    }
    slot.stage = null;
    const request =
      queued.request.type === 'sparse' ? { ...queued.request, bundle: (await this.bundles).get(spec.method!.id) } : queued.request;
    const reply = await this.request(slot, request, this.opts.jobBudgetSeconds(spec.task.id));
    if (reply.type === 'done') {
      if (queued.request.type === 'dense' && reply.status === 'failed')
        this.denseFailures.set(jobId(spec), reply.reason ?? 'unknown error');
      return { status: reply.status, reason: reply.reason };
    }
    const reason = reply.type === 'fatal' || reply.type === 'lost' ? reply.message : `unexpected reply ${reply.type}`;
    // A worker that died, timed out or sent a fatal reply is never given another job.
    this.retire(i);
    if (this.stopped) return { status: 'interrupted' };
    if (queued.request.type === 'dense') this.denseFailures.set(jobId(spec), reason);
    else {
      const stage = reply.type === 'lost' && reply.timedOut ? 'time-out' : (slot.stage ?? 'setup');
      this.store.write(failedRecord(spec, context, stage, reason, null, this.opts.jobBudgetSeconds(spec.task.id)));
    }
    return { status: 'failed', reason };
  }
}
