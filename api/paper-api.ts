/**
 * What a paper's claim may ask of the aggregated results: cells by (task, method, control,
 * sparsity), the dense reference and the planted ticket. Paper definitions (suites/papers) are
 * written against this interface; the harness answers it from an aggregate
 * (harness/reproduce/lookup.ts), noting every number used and every one missing (answered NaN).
 */
import type { Control, SuiteDefinition, TaskDefinition } from './task-api.ts';

export interface CellRef {
  task: string;
  method: string;
  sparsity: number;
  control?: Control | null;
}

export type CellMetric = 'accuracy' | 'recall' | 'precision' | 'jaccard' | 'strongTicketScore' | 'weakTicketScore';

export interface ResultLookup {
  /** Mean over seeds of a metric of one pruning cell; NaN (and noted as missing) without an ok result. */
  cell(ref: CellRef, metric: CellMetric): number;
  accuracy(ref: CellRef): number;
  /** Test accuracy of the dense reference of a task (mean over its seeds). */
  denseAccuracy(taskId: string): number;
  /** The planted ticket's own test score on a planted task (mean over seeds). */
  plantedScore(taskId: string): number;
}

// A paper reproduction: a normal suite the runner runs, the paper it follows, and the paper's
// claims, each with a pure `measure` from aggregated results to the number(s) the claim is about.
// The verdict logic lives in the harness (harness/reproduce/verdict.ts).
export interface PaperReference {
  /** Also the suite id without its 'paper-' prefix and the file name of the reproduction record. */
  id: string;
  title: string;
  authors: string;
  year: number;
  url: string;
  /** The table(s) or figure(s) reproduced, e.g. 'Table 1'. */
  table: string;
}

interface ClaimBase {
  id: string;
  description: string;
  /** Where in the paper the claim is made, with the paper's words or numbers. */
  source: string;
  /**
   * Unit of the reported and measured values, e.g. 'pp' or '%'; the gap and the tolerance are in the
   * same unit, except that differences of '%' values are percentage points.
   */
  unit: string;
  /** Non-negative; how far the measured value may fall from the reported one and still count as reproduced. */
  tolerance: number;
}

/** The paper reports a number; reproduced when |measured − reported| ≤ tolerance. */
export interface ValueClaim extends ClaimBase {
  kind: 'value';
  reported: { value: number; text: string; paperNumbers?: Record<string, number> };
  measure(results: ResultLookup): number;
}

/**
 * The paper states a bound ("no drop in accuracy", "fails to recover"); reproduced when the measured
 * value is on the right side of the bound, allowing the tolerance.
 */
export interface ThresholdClaim extends ClaimBase {
  kind: 'threshold';
  reported: { bound: number; direction: 'at-most' | 'at-least'; text: string; paperNumbers?: Record<string, number> };
  measure(results: ResultLookup): number;
}

/**
 * The paper orders methods (or conditions); `order` lists tiers from best to worst, and every entry of
 * a tier must measure at least every entry of each later tier, minus the tolerance. Entries within a
 * tier are not ordered among themselves. Higher measured values are better.
 */
export interface OrderingClaim extends ClaimBase {
  kind: 'ordering';
  reported: { order: ReadonlyArray<readonly string[]>; text: string };
  /** A value for every entry named in `order`. */
  measure(results: ResultLookup): Record<string, number>;
}

export type Claim = ValueClaim | ThresholdClaim | OrderingClaim;

export interface PaperSuite {
  suite: SuiteDefinition;
  paper: PaperReference;
  /** What is reproduced: the paper's setting, in words. */
  setting: string;
  /** How and why the suite is smaller than the paper's experiment. */
  scaledDown: string;
  claims: Claim[];
  /** Tasks defined for this reproduction and not registered elsewhere. */
  tasks?: TaskDefinition[];
}
