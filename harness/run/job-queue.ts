/** A sparse job's place on a shared trunk (trunk-pruner.ts): the trunk's key and the job's sparsity. */
export interface TrunkPlace {
  trunk: string;
  sparsity: number;
}

/**
 * The order in which a run hands out jobs: dense references first, then any sparse job whose dense
 * reference is not still being trained, in plan order. The jobs of one trunk (a trunk method's
 * jobs of one task, seed and hyperparameters) go out by ascending sparsity and one at a time, so
 * each starts from the levels the one before it stored; meanwhile other jobs go out. A worker
 * asking while every remaining sparse job waits (for a dense reference in flight, or its trunk's
 * job in flight) waits too, rather than training something out of order.
 */
export class JobQueue<T> {
  private readonly dense: T[];
  private readonly sparse: T[];
  private readonly unfinishedDense: Set<string>;
  private readonly trunksInFlight = new Set<string>();
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(
    dense: T[],
    sparse: T[],
    private readonly denseIdOf: (dense: T) => string,
    private readonly dependencyOf: (sparse: T) => string,
    private readonly trunkOf: (sparse: T) => TrunkPlace | null = () => null,
  ) {
    this.dense = [...dense];
    this.sparse = byAscendingSparsityWithinTrunks(sparse, trunkOf);
    this.unfinishedDense = new Set(dense.map(denseIdOf));
  }

  /** The next job, or null when none is left (or the queue was closed). */
  async next(): Promise<T | null> {
    for (;;) {
      if (this.closed) return null;
      if (this.dense.length > 0) return this.dense.shift()!;
      const ready = this.sparse.findIndex(
        (t) => !this.unfinishedDense.has(this.dependencyOf(t)) && !this.trunksInFlight.has(this.trunkOf(t)?.trunk ?? ''),
      );
      if (ready >= 0) {
        const job = this.sparse.splice(ready, 1)[0];
        const place = this.trunkOf(job);
        if (place) this.trunksInFlight.add(place.trunk);
        return job;
      }
      if (this.sparse.length === 0) return null;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /**
   * Marks a dense job finished, failed or not: its sparse jobs are released either way (each then
   * trains the reference itself or fails with the reason).
   */
  denseFinished(job: T): void {
    this.unfinishedDense.delete(this.denseIdOf(job));
    this.wake();
  }

  /** Marks a sparse job finished, failed or lost: the next job of its trunk may go out. */
  sparseFinished(job: T): void {
    const place = this.trunkOf(job);
    if (!place) return;
    this.trunksInFlight.delete(place.trunk);
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

/** Plan order, except that each trunk's jobs, in the places they hold, come by ascending sparsity. */
function byAscendingSparsityWithinTrunks<T>(jobs: T[], trunkOf: (job: T) => TrunkPlace | null): T[] {
  const out = [...jobs];
  const places = new Map<string, number[]>();
  jobs.forEach((job, i) => {
    const place = trunkOf(job);
    if (place) places.set(place.trunk, [...(places.get(place.trunk) ?? []), i]);
  });
  for (const indices of places.values()) {
    const sorted = indices.map((i) => jobs[i]).sort((a, b) => trunkOf(a)!.sparsity - trunkOf(b)!.sparsity);
    indices.forEach((slot, k) => (out[slot] = sorted[k]));
  }
  return out;
}
