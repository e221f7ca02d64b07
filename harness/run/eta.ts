/**
 * A run's time left. Jobs differ in cost by up to 30× (a strong-ticket job against a magnitude
 * one), so counting jobs swings the estimate by hours as the plan order passes from cheap methods to
 * dear ones. With per-job cost estimates (`run --plan`'s, from the records), the time left is the
 * remaining jobs' estimated cost times this run's pace: its wall time so far per estimated second
 * it has finished, which folds in the worker count and the machine's load. Jobs without an estimate
 * count as the mean of those with one; with no estimate at all, jobs are counted.
 */
export class RunEta {
  private readonly costs: number[];
  private finishedJobs = 0;
  private finishedCost = 0;
  private remainingCost = 0;

  /** `pendingCosts`: the estimated seconds of each job the run has to do, or null where unknown. */
  constructor(pendingCosts: ReadonlyArray<number | null>) {
    const known = pendingCosts.filter((c): c is number => c !== null && c > 0);
    const mean = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
    this.costs = pendingCosts.map((c) => (c !== null && c > 0 ? c : mean));
    this.remainingCost = this.costs.reduce((a, b) => a + b, 0);
  }

  /** The job at this index of the pending list finished (done or failed). */
  finished(index: number): void {
    this.finishedJobs++;
    this.finishedCost += this.costs[index];
    this.remainingCost -= this.costs[index];
  }

  /** Seconds left after `elapsedSeconds` of the run, or null before any job finished. */
  seconds(elapsedSeconds: number): number | null {
    if (this.finishedJobs === 0) return null;
    if (this.finishedJobs === this.costs.length) return 0;
    return (elapsedSeconds / this.finishedCost) * Math.max(0, this.remainingCost);
  }
}
