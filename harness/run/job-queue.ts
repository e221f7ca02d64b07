/**
 * The order in which a run hands out jobs: dense references first, then any sparse job whose dense
 * reference is not still being trained, in plan order. A worker asking while every remaining sparse
 * job waits for a dense reference in flight waits too, rather than training something out of order.
 */
export class JobQueue<T> {
  private readonly dense: T[];
  private readonly sparse: T[];
  private readonly unfinishedDense: Set<string>;
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(
    dense: T[],
    sparse: T[],
    private readonly denseIdOf: (denseTask: T) => string,
    private readonly dependencyOf: (sparseTask: T) => string,
  ) {
    this.dense = [...dense];
    this.sparse = [...sparse];
    this.unfinishedDense = new Set(dense.map(denseIdOf));
  }

  /** The next job, or null when none is left (or the queue was closed). */
  async next(): Promise<T | null> {
    for (;;) {
      if (this.closed) return null;
      if (this.dense.length > 0) return this.dense.shift()!;
      const ready = this.sparse.findIndex((t) => !this.unfinishedDense.has(this.dependencyOf(t)));
      if (ready >= 0) return this.sparse.splice(ready, 1)[0];
      if (this.sparse.length === 0) return null;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /**
   * Marks a dense job finished, failed or not: its sparse jobs are released either way (each then
   * trains the reference itself or fails with the reason).
   */
  denseFinished(task: T): void {
    this.unfinishedDense.delete(this.denseIdOf(task));
    this.wake();
  }

  /** Stops handing out jobs; waiting callers get null. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
