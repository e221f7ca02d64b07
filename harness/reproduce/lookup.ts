/**
 * Read access to aggregated results for paper claims. A claim's `measure` asks for cells by
 * (task, method, control, sparsity); every answer is remembered (`used`) so the reproduction
 * record can say which numbers a verdict rests on, and every cell without an ok result is
 * remembered (`missing`) and answered with NaN, so a claim over incomplete results becomes
 * 'not run' instead of a wrong number.
 */
import { methodLabel, sparsityKey, type Aggregate, type Cell, type TaskAggregate } from '../aggregate/aggregate.ts';
import type { Control } from '../aggregate/aggregatable-record.ts';
import type { CellMetric, CellRef, ResultLookup } from '../../api/paper-api.ts';

export type { CellMetric, CellRef, ResultLookup };
import type { Estimate, Interval } from '../aggregate/stats.ts';

/** One aggregated number a claim used, with where it comes from. */
export interface UsedQuantity {
  task: string;
  /** Null for the dense reference and for the planted ticket. */
  method: string | null;
  control: Control | null;
  /** Null for the planted ticket's own score. */
  sparsity: number | null;
  metric: CellMetric | 'plantedScore';
  mean: number;
  /** Seeds with an ok result. */
  n: number;
  /** 95% Student-t interval over seeds; null for a single seed. */
  interval: Interval | null;
}

const cellMetrics: Record<CellMetric, (cell: Cell) => Estimate | null> = {
  accuracy: (c) => c.accuracy,
  recall: (c) => c.recovery?.recall ?? null,
  precision: (c) => c.recovery?.precision ?? null,
  jaccard: (c) => c.recovery?.jaccard ?? null,
  strongTicketScore: (c) => c.strongTicketScore,
  weakTicketScore: (c) => c.weakTicketScore,
};

/** The paper API's ResultLookup answered from one aggregate. */
export class AggregateResultLookup implements ResultLookup {
  /** Each number once, in the order first asked for. */
  readonly used: UsedQuantity[] = [];
  readonly missing: string[] = [];

  constructor(private readonly aggregate: Aggregate) {}

  /** Mean over seeds of a metric of one pruning cell; NaN (and noted as missing) without an ok result. */
  cell(ref: CellRef, metric: CellMetric): number {
    const control = ref.control ?? null;
    const label = `${ref.task} ${methodLabel(ref.method, control)} s=${ref.sparsity} ${metric}`;
    const task = this.taskAggregate(ref.task);
    const cell = task?.cells.find((c) => c.method === ref.method && c.control === control && c.sparsity === sparsityKey(ref.sparsity));
    if (!cell) return this.absent(`${label}: no record`);
    const estimate = cellMetrics[metric](cell);
    if (!estimate) {
      const failures = cell.failures.map((f) => `seed ${f.seed} failed at ${f.stage}: ${f.reason}`).join('; ');
      return this.absent(`${label}: no ok result${failures ? ` (${failures})` : ''}`);
    }
    return this.use({ task: ref.task, method: ref.method, control, sparsity: sparsityKey(ref.sparsity), metric }, estimate);
  }

  accuracy(ref: CellRef): number {
    return this.cell(ref, 'accuracy');
  }

  /** Test accuracy of the dense reference of a task (mean over its seeds). */
  denseAccuracy(taskId: string): number {
    const dense = this.taskAggregate(taskId)?.dense;
    if (!dense) return this.absent(`${taskId} dense accuracy: no record`);
    if (!dense.accuracy) return this.absent(`${taskId} dense accuracy: no ok result (${dense.failed} failed)`);
    return this.use({ task: taskId, method: null, control: null, sparsity: 0, metric: 'accuracy' }, dense.accuracy);
  }

  /** The planted ticket's own test score on a planted task (mean over seeds). */
  plantedScore(taskId: string): number {
    const planted = this.taskAggregate(taskId)?.planted;
    if (!planted?.plantedScore) return this.absent(`${taskId} planted-ticket score: no ok record of the task`);
    return this.use({ task: taskId, method: null, control: null, sparsity: null, metric: 'plantedScore' }, planted.plantedScore);
  }

  private taskAggregate(taskId: string): TaskAggregate | undefined {
    const matches = this.aggregate.tasks.filter((t) => t.task.id === taskId);
    if (matches.length > 1)
      throw new Error(
        `results hold several versions of task '${taskId}' (${matches.map((t) => t.task.key).join(', ')}); aggregate one version`,
      );
    return matches[0];
  }

  private use(where: Omit<UsedQuantity, 'mean' | 'n' | 'interval'>, estimate: Estimate): number {
    const seen = this.used.some(
      (u) =>
        u.task === where.task &&
        u.method === where.method &&
        u.control === where.control &&
        u.sparsity === where.sparsity &&
        u.metric === where.metric,
    );
    if (!seen) this.used.push({ ...where, mean: estimate.mean, n: estimate.n, interval: estimate.interval });
    return estimate.mean;
  }

  private absent(what: string): number {
    this.missing.push(what);
    return Number.NaN;
  }
}
