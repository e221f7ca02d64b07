import { createHash } from 'node:crypto';
import type { Control } from '../../api/task-api.ts';
import type { HyperparameterValue, Structure } from '../../api/method-api.ts';
import { structureLabel } from './structures.ts';

export interface JobSpec {
  protocol: string;
  /** ENGINE_VERSION the job runs under. Absent in records of protocol 1, which predate it. */
  engine?: string;
  task: { id: string; version: string };
  /** Null for a dense reference run. */
  method: { id: string; version: string; hyperparameters: Record<string, HyperparameterValue> } | null;
  control: Control | null;
  /**
   * Fraction of prunable weights removed; for `neuron`/`filter` jobs the fraction of units removed
   * in every layer whose units may go; for `n:m` jobs 1 − N/M.
   */
  sparsity: number;
  seed: number;
  /**
   * The sparsity structure; absent for unstructured jobs (so their identities are what they were
   * before structures existed) and for dense references.
   */
  structure?: Exclude<Structure, { kind: 'unstructured' }>;
}

/** A job's structure (unstructured when the spec has none). */
export function structureOf(spec: Pick<JobSpec, 'structure'>): Structure {
  return spec.structure ?? { kind: 'unstructured' };
}

/** JSON with object keys sorted at every level, so equal specs serialise identically. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`canonicalJson: non-finite number ${value}`);
  return JSON.stringify(value);
}

/** Job identity: the first 16 hex digits of SHA-256 over the canonical spec. */
export function jobId(spec: JobSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 16);
}

export function denseSpecFor(spec: JobSpec): JobSpec {
  return { protocol: spec.protocol, engine: spec.engine, task: spec.task, method: null, control: null, sparsity: 0, seed: spec.seed };
}

/** Where a job's record lives, relative to the results directory: it follows from the spec alone. */
export function recordRelativePath(spec: JobSpec): string {
  const methodPart = spec.method ? `${spec.method.id}${spec.control ? `+${spec.control}` : ''}` : 'dense';
  return `runs/${spec.task.id}/${methodPart}/${jobId(spec)}.json`;
}

export function describeJob(spec: JobSpec): string {
  if (!spec.method) return `${spec.task.id} dense seed ${spec.seed}`;
  const structure = spec.structure ? ` ${structureLabel(spec.structure)}` : '';
  return `${spec.task.id} ${spec.method.id}${spec.control ? `+${spec.control}` : ''}${structure} s=${spec.sparsity} seed ${spec.seed}`;
}
