import type { Control, SuiteDefinition, TaskDefinition } from '../../api/task-api.ts';
import type { MethodManifest, Structure } from '../../api/method-api.ts';
import { parseStructure, removableLayerCount, structureLabel } from './structures.ts';
import { denseSpecFor, jobId, type JobSpec } from './spec.ts';
import { currentVersions } from './versions.ts';
import { HyperparameterError, mergeOverrides, resolveHyperparameters, type HyperparameterOverrides } from './hyperparameters.ts';
import { allSparsities, sparsitiesFor, suiteMethodIds } from './suite-grid.ts';

export interface PlanFilters {
  tasks?: string[];
  methods?: string[];
  sparsities?: number[];
  /** Structures to run, by label ('neuron', '2:4', …): a subset of the suite's. */
  structures?: string[];
  seeds?: number[];
  /** Override the suite's controls (empty list: none). */
  controls?: Control[];
  /** Hyperparameter overrides (`--set`), applied over the suite's. */
  hyperparameters?: HyperparameterOverrides;
}

export interface JobPlan {
  /** Dense references the sparse jobs need, one per (task, seed), in order. */
  dense: JobSpec[];
  sparse: JobSpec[];
  /** Tasks left out because they cannot run here, with the reason. */
  skipped: Array<{ task: string; reason: string }>;
  /** Methods run on this suite's grid although the suite does not list them (named by --methods). */
  addedMethods: string[];
}

export interface PlanSources {
  getTask(id: string): TaskDefinition;
  listMethodManifests(): MethodManifest[];
}

function restrict<T>(values: T[], filter: T[] | undefined, what: string, suiteId: string): T[] {
  if (!filter) return values;
  const unknown = filter.filter((f) => !values.includes(f));
  if (unknown.length) throw new Error(`${what} ${unknown.join(', ')} not in suite '${suiteId}' (it has: ${values.join(', ')})`);
  return values.filter((v) => filter.includes(v));
}

/** The structures a manifest declares (unstructured when it declares none). */
export function declaredStructures(manifest: MethodManifest): Structure['kind'][] {
  return manifest.structures ?? ['unstructured'];
}

/** Each task's structures in the suite (`taskStructures`, else `structures`, else unstructured), parsed, restricted by the filter. */
function structuresByTask(suite: SuiteDefinition, taskIds: string[], filter: string[] | undefined): Map<string, Structure[]> {
  const byTask = new Map<string, Structure[]>();
  const all = new Set<string>();
  for (const taskId of taskIds) {
    const labels = suite.taskStructures?.[taskId] ?? suite.structures ?? ['unstructured'];
    const parsed = labels.map((label) => {
      try {
        return parseStructure(label);
      } catch (e) {
        throw new Error(`suite '${suite.id}': ${(e as Error).message}`);
      }
    });
    parsed.forEach((s) => all.add(structureLabel(s)));
    byTask.set(taskId, filter ? parsed.filter((s) => filter.includes(structureLabel(s))) : parsed);
  }
  const unknown = (filter ?? []).filter((f) => !all.has(f));
  if (unknown.length) throw new Error(`structure(s) ${unknown.join(', ')} not in suite '${suite.id}' (it has: ${[...all].join(', ')})`);
  return byTask;
}

/** An N:M job's sparsity, 1 − N/M, rounded to 12 digits so that 1:4 gives 0.75, not 0.7500000000000001. */
function nmSparsity(n: number, m: number): number {
  return Number((1 - n / m).toFixed(12));
}

/**
 * Expands a suite into jobs: task × structure × method × control × sparsity × seed, plus dense
 * references, in a fixed order. A task's sparsities are the suite's grid and the task's own
 * additions (`taskSparsities`).
 */
export function planSuite(suite: SuiteDefinition, sources: PlanSources, filters: PlanFilters = {}): JobPlan {
  const manifests = sources.listMethodManifests();
  const suiteMethods = suiteMethodIds(suite, manifests);
  for (const id of suiteMethods) {
    if (!manifests.some((m) => m.id === id)) throw new Error(`suite '${suite.id}' names method '${id}', which is not registered`);
  }
  // --methods may name any registered method: a submission runs on a suite before the suite lists it.
  const registered = manifests.map((m) => m.id);
  const unknownMethods = (filters.methods ?? []).filter((m) => !registered.includes(m));
  if (unknownMethods.length) throw new Error(`method(s) ${unknownMethods.join(', ')} not registered (known: ${registered.join(', ')})`);
  const methodIds = filters.methods ? filters.methods : suiteMethods;
  const added = methodIds.filter((m) => !suiteMethods.includes(m));
  const taskIds = restrict(suite.tasks, filters.tasks, 'task(s)', suite.id);
  const sparsityFilter = restrict(allSparsities(suite), filters.sparsities, 'sparsity', suite.id);
  const seeds = restrict(suite.seeds, filters.seeds, 'seed(s)', suite.id);
  const controls = filters.controls ?? suite.controls ?? [];
  // Every method's effective hyperparameters are checked here, before any job runs.
  // A suite's overrides may name methods a --methods filter leaves out; they must be registered.
  // A --set naming a method this plan does not run is a mistake.
  for (const id of Object.keys(suite.hyperparameters ?? {})) {
    if (!registered.includes(id))
      throw new HyperparameterError(`suite '${suite.id}' sets hyperparameters of method '${id}', which is not registered`);
  }
  for (const id of Object.keys(filters.hyperparameters ?? {})) {
    if (!methodIds.includes(id))
      throw new HyperparameterError(
        `hyperparameter overrides name method '${id}', which this plan does not run (it runs: ${methodIds.join(', ') || 'none'})`,
      );
  }
  const overrides = mergeOverrides(suite.hyperparameters, filters.hyperparameters);
  const effective = new Map(methodIds.map((id) => [id, resolveHyperparameters(manifests.find((m) => m.id === id)!, overrides[id])]));

  const taskStructures = structuresByTask(suite, taskIds, filters.structures);
  // A method runs on the structures it declares. One the suite lists must declare one of the suite's
  // structures; one named by --methods must declare one of this plan's. Any other is refused.
  const refuseUndeclared = (ids: string[], structures: Structure[], what: string) => {
    const kinds = new Set(structures.map((s) => s.kind));
    for (const id of ids) {
      const declared = declaredStructures(manifests.find((m) => m.id === id)!);
      if (!declared.some((kind) => kinds.has(kind))) {
        throw new Error(
          `method '${id}' prunes to ${declared.join(', ')} only, and ${what} runs ${[...new Set(structures.map(structureLabel))].join(', ')} jobs: its manifest's "structures" does not declare any of them`,
        );
      }
    }
  };
  // A selection ('all', 'score-returning') takes each method on the structures it declares.
  if (Array.isArray(suite.methods))
    refuseUndeclared(suite.methods, [...structuresByTask(suite, suite.tasks, undefined).values()].flat(), `suite '${suite.id}'`);
  if (filters.methods) refuseUndeclared(filters.methods, [...taskStructures.values()].flat(), `this plan of suite '${suite.id}'`);

  const plan: JobPlan = { dense: [], sparse: [], skipped: [], addedMethods: added };
  for (const taskId of taskIds) {
    const task = sources.getTask(taskId);
    const reason = task.unavailableReason();
    if (reason) {
      plan.skipped.push({ task: taskId, reason });
      continue;
    }
    const sparsities = sparsitiesFor(suite, taskId).filter((s) => sparsityFilter.includes(s));
    const structures = taskStructures.get(taskId)!;
    for (const structure of structures) {
      if ((structure.kind === 'neuron' || structure.kind === 'filter') && removableLayerCount(task.architecture, structure.kind) === 0) {
        throw new Error(
          `suite '${suite.id}': task '${taskId}' has no ${structure.kind === 'neuron' ? 'dense hidden layer' : 'convolution before its output layer'}, so ${structure.kind} structure removes nothing from it (set its structures in the suite's taskStructures)`,
        );
      }
    }
    for (const seed of seeds) {
      let needsDense = false;
      for (const structure of structures) {
        const structureSparsities = structure.kind === 'n:m' ? [nmSparsity(structure.n, structure.m)] : sparsities;
        for (const methodId of methodIds) {
          const manifest = manifests.find((m) => m.id === methodId)!;
          if (!declaredStructures(manifest).includes(structure.kind)) continue;
          if (manifest.taskKinds && !manifest.taskKinds.includes(task.kind)) continue;
          const applicable: Array<Control | null> = manifest.reinit
            ? [null]
            : [null, ...controls.filter((c) => c !== 'inverted' || manifest.output === 'scores')];
          for (const control of applicable) {
            for (const sparsity of structureSparsities) {
              plan.sparse.push({
                ...currentVersions(),
                task: { id: task.id, version: task.version },
                method: { id: manifest.id, version: manifest.version, hyperparameters: { ...effective.get(methodId)! } },
                control,
                sparsity,
                seed,
                ...(structure.kind === 'unstructured' ? {} : { structure }),
              });
              needsDense = true;
            }
          }
        }
      }
      if (needsDense || methodIds.length === 0) {
        plan.dense.push({
          ...currentVersions(),
          task: { id: task.id, version: task.version },
          method: null,
          control: null,
          sparsity: 0,
          seed,
        });
      }
    }
  }
  return plan;
}

/** Parses "k/n" (k in 0..n−1). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--shard must look like k/n with 0 ≤ k < n, got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new Error(`--shard ${text}: need 0 ≤ k < n`);
  return { index, count };
}

/**
 * The shard from the command line, else from the scheduler's environment: Slurm job arrays
 * (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT), Kubernetes Indexed Jobs
 * (JOB_COMPLETION_INDEX with PRUNEBENCH_SHARD_COUNT), or a CI matrix (PRUNEBENCH_SHARD=k/n).
 */
export function shardFromEnvironment(
  cli: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { index: number; count: number } | null {
  if (cli) return parseShard(cli);
  if (env.PRUNEBENCH_SHARD) return parseShard(env.PRUNEBENCH_SHARD);
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_COUNT !== undefined) {
    const min = Number(env.SLURM_ARRAY_TASK_MIN ?? 0);
    return parseShard(`${Number(env.SLURM_ARRAY_TASK_ID) - min}/${env.SLURM_ARRAY_TASK_COUNT}`);
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (!env.PRUNEBENCH_SHARD_COUNT)
      throw new Error("JOB_COMPLETION_INDEX is set but PRUNEBENCH_SHARD_COUNT is not: set it to the Indexed Job's completions");
    return parseShard(`${env.JOB_COMPLETION_INDEX}/${env.PRUNEBENCH_SHARD_COUNT}`);
  }
  return null;
}

export interface ShardPlan extends JobPlan {
  /** Dense references this shard writes records for (each dense job is owned by exactly one shard). */
  ownedDense: Set<string>;
}

/**
 * Sparse jobs go round-robin over the shards; each dense reference is owned by one shard.
 * A shard that needs a reference it does not own trains it locally for its cache but writes no
 * record for it, so shard outputs never collide and their union equals the unsharded run.
 */
export function shardPlan(plan: JobPlan, shard: { index: number; count: number } | null): ShardPlan {
  if (!shard) return { ...plan, ownedDense: new Set(plan.dense.map(jobId)) };
  const sparse = plan.sparse.filter((_, i) => i % shard.count === shard.index);
  const owned = plan.dense.filter((_, i) => i % shard.count === shard.index);
  const neededIds = new Set(sparse.map((s) => jobId(denseSpecFor(s))));
  const ownedIds = new Set(owned.map(jobId));
  const dense = plan.dense.filter((d) => ownedIds.has(jobId(d)) || neededIds.has(jobId(d)));
  return { dense, sparse, skipped: plan.skipped, addedMethods: plan.addedMethods, ownedDense: ownedIds };
}
