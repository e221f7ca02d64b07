/**
 * Aggregation of result records into leaderboard cells, per-task method scores, rankings with
 * ties and Pareto marks (docs/protocol.md, Aggregation and ranking). Pure functions over records; the CLI `report` command and the
 * site both build on `aggregate()`.
 *
 * Rules (also in docs/site.md):
 * - Only `ok` records contribute numbers; failed records are counted per cell and per task.
 * - Numbers of different protocols or engines are never mixed: of a task's records, only those of
 *   the newest protocol and engine version among them count; the others are left out and counted.
 * - A cell is (task id + version, method id, control, sparsity); n = its ok records (one per seed).
 * - The task's sparsity grid is the one declared for it (its suite's sparsities: scope.ts), else every sparsity at which any uncontrolled pruning record (ok or failed) of
 *   the task exists. Records at sparsities off a declared grid get cells but no part in scores.
 * - Score of a method on a task: for each seed, the mean retention over the grid; the score is the
 *   mean of those per-seed scores with a 95% Student-t interval over seeds. Only seeds with an ok
 *   result at every grid sparsity count. A method with no such seed is incomplete: it gets no rank,
 *   is listed after every complete method, and shows a partial score (mean of its cells' mean
 *   retention over the sparsities it covers) for information only.
 * - Ranking: complete methods sorted by score (higher first; equal scores by method id). The
 *   methods right below the leader whose intervals overlap the leader's are tied with it and shown
 *   as "=1": the run stops at the first method that does not overlap, so a wide interval further
 *   down claims no tie and ranks never decrease down the list. A single-seed score has no
 *   interval, so no tie is claimed for it (nor with a single-seed leader) and the run stops there:
 *   its rank is its position, an order of point estimates only. Every other method's rank is its
 *   1-based position in the sorted list.
 * - Controls (shuffled / reinit / inverted) are rows of their method, scored over the sparsities
 *   the control itself covers (next to the method's own score over the same sparsities), never
 *   ranked, never in the Pareto set.
 * - Pareto: among a task's uncontrolled cells with results, a cell is dominated when another cell
 *   has sparsity ≥ and quality ≥ (accuracy; for regression lower MSE), at least one strictly.
 * - Within one sparsity, uncontrolled cells are ranked by accuracy (regression: lower MSE) with the
 *   same tie rule, so the per-sparsity tables can show ties too.
 */
import type { AggregatableRecord, CalibrationBin, Control, RecoveryMetrics, TaskKind } from './aggregatable-record.ts';
import { estimate, mean, tiedWithLeader, type Estimate } from './stats.ts';

export interface TaskRef {
  id: string;
  version: string;
  /**
   * `id@version`: versions are different tasks, since a version bump changes the numbers; a
   * structured track of the task adds ` [structure]` (its records are ranked apart).
   */
  key: string;
  /** 'unstructured', 'neuron', 'filter' or 'N:M': the records of a task are aggregated per structure. */
  structure?: string;
}

export interface PooledBin {
  lower: number;
  upper: number;
  count: number;
  /** Count-weighted mean over seeds; null when the bin is empty in every seed. */
  confidence: number | null;
  accuracy: number | null;
}

export interface RecoveryEstimate {
  precision: Estimate | null;
  recall: Estimate | null;
  jaccard: Estimate | null;
}

export interface ThroughputSetting {
  /** Null for records that do not say (made before the environment was recorded). */
  backend: string | null;
  threads: number | null;
  clock: 'process-cpu' | 'wall';
  batchSize: number;
  passes: number;
  warmupPasses: number;
}

export interface Cell {
  task: TaskRef;
  method: string;
  /** Method versions seen among the cell's records; more than one means mixed implementations. */
  methodVersions: string[];
  control: Control | null;
  sparsity: number;
  /** 1 / (1 − sparsity). */
  compression: number;
  /** Ok records (seeds) in the cell. */
  n: number;
  seeds: number[];
  failed: number;
  failures: Array<{ seed: number; stage: string; reason: string }>;
  accuracy: Estimate | null;
  mse: Estimate | null;
  retention: Estimate | null;
  ece: Estimate | null;
  nll: Estimate | null;
  brier: Estimate | null;
  maxPsi: Estimate | null;
  psiRange: Estimate | null;
  worstGroupAccuracy: Estimate | null;
  measuredSparsity: Estimate | null;
  flopsSparse: Estimate | null;
  flopsDense: Estimate | null;
  remainingParameters: Estimate | null;
  recovery: RecoveryEstimate | null;
  /** Neuron jobs on planted tasks: the hidden units kept against the planted ticket's units. */
  unitRecovery: RecoveryEstimate | null;
  /** Multiply–adds per sample of the network as it runs (`metrics.inference.macs`: compacted for neuron/filter). */
  macs: Estimate | null;
  /** Neuron/filter: measured throughput of the compacted network over the dense one's, on the record's backend. */
  speedup: Estimate | null;
  denseSamplesPerSecond: Estimate | null;
  compactedSamplesPerSecond: Estimate | null;
  /** How the throughputs were measured, one entry per distinct setting among the cell's records. */
  throughputSettings: ThroughputSetting[];
  /** Neuron/filter: the fraction of units removed from the layers the structure may shrink. */
  unitsRemoved: Estimate | null;
  strongTicketScore: Estimate | null;
  weakTicketScore: Estimate | null;
  calibrationBins: PooledBin[] | null;
  /** Null for controls and for cells without results (not part of the Pareto set). */
  paretoDominated: boolean | null;
  /** Rank among the uncontrolled cells at this sparsity by accuracy (lower MSE), same tie rule as the score. */
  sparsityRank: { rank: number; label: string; tied: boolean } | null;
}

export interface DenseBaseline {
  task: TaskRef;
  n: number;
  seeds: number[];
  failed: number;
  accuracy: Estimate | null;
  mse: Estimate | null;
  ece: Estimate | null;
  nll: Estimate | null;
  brier: Estimate | null;
  worstGroupAccuracy: Estimate | null;
  flops: Estimate | null;
  parameters: Estimate | null;
  prunableParameters: Estimate | null;
  calibrationBins: PooledBin[] | null;
}

export interface MethodScore {
  task: TaskRef;
  method: string;
  control: Control | null;
  /** The sparsities this score averages over: the task grid, or for a control the sparsities it covers. */
  grid: number[];
  coveredSparsities: number[];
  missingSparsities: number[];
  complete: boolean;
  seedScores: Array<{ seed: number; score: number }>;
  /** Seeds with some results but not at every grid sparsity; left out of the score. */
  incompleteSeeds: number[];
  score: Estimate | null;
  /** Incomplete methods only: mean over covered sparsities of the cells' mean retention. */
  partialScore: number | null;
  /** Controls only: the uncontrolled method's score over the same sparsities. */
  referenceScore: Estimate | null;
  /** Null for incomplete methods and controls. */
  rank: number | null;
  /** "1", "=1" (tied with the leader), "4", or "—" when unranked. */
  rankLabel: string;
  leader: boolean;
  tiedWithLeader: boolean;
}

export interface PlantedSummary {
  metric: 'accuracy' | 'mse';
  density: Estimate | null;
  /** Sparsity of the planted ticket: 1 − mean density. */
  sparsity: number | null;
  plantedScore: Estimate | null;
}

export interface TaskAggregate {
  task: TaskRef;
  kind: TaskKind | null;
  grid: number[];
  seeds: number[];
  methods: string[];
  dense: DenseBaseline | null;
  /** Uncontrolled cells then control cells, each by method id and sparsity. */
  cells: Cell[];
  /** Complete methods by rank, then incomplete ones. */
  ranking: MethodScore[];
  controls: MethodScore[];
  planted: PlantedSummary | null;
  records: number;
  failed: number;
  /** The task's records of an older protocol or engine than its newest, left out of every number. */
  olderVersionRecords: number;
}

export interface Aggregate {
  tasks: TaskAggregate[];
  records: number;
  ok: number;
  failed: number;
}

export function taskKey(task: { id: string; version: string }): string {
  return `${task.id}@${task.version}`;
}

/** The key of a task's track of one structure: `id@version`, plus ` [structure]` for a structured track. */
export function trackKey(task: { id: string; version: string }, structure: string): string {
  return structure === 'unstructured' ? taskKey(task) : `${taskKey(task)} [${structure}]`;
}

export function compression(sparsity: number): number {
  return 1 / (1 - sparsity);
}

/** Sparsities are compared after rounding so 0.9 from different float paths is one grid point. */
export function sparsityKey(sparsity: number): number {
  return Math.round(sparsity * 1e6) / 1e6;
}

export function methodLabel(method: string, control: Control | null): string {
  return control ? `${method} + ${control}` : method;
}

// ---------------------------------------------------------------------------

export interface AggregateOptions {
  /** The declared sparsity grid of a task; undefined: derive it from the task's records. */
  gridFor?: (task: { id: string; version: string }) => readonly number[] | undefined;
}

/** A record's structure label: 'unstructured' for records without one (dense references included). */
export function recordStructure(r: Pick<AggregatableRecord, 'job'>): string {
  const s = r.job.structure;
  return !s ? 'unstructured' : s.kind === 'n:m' ? `${s.n}:${s.m}` : s.kind;
}

/** Protocol, then engine version, as numbers (protocol 1 records have no engine version: 0). */
function versionOrder(r: AggregatableRecord): [number, number] {
  return [Number(r.job.protocol), r.job.engine === undefined ? 0 : Number(r.job.engine)];
}

/** The records of the newest protocol and engine version among `records`, and how many older ones were left out. */
function newestVersionRecords(records: readonly AggregatableRecord[]): { records: AggregatableRecord[]; older: number } {
  if (records.length === 0) return { records: [], older: 0 };
  const newest = records.map(versionOrder).reduce((a, b) => (b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]) ? b : a));
  const kept = records.filter((r) => {
    const [protocol, engine] = versionOrder(r);
    return protocol === newest[0] && engine === newest[1];
  });
  return { records: kept, older: records.length - kept.length };
}

/**
 * Every task's records, one aggregate per structure its pruning records have (the dense references
 * serve each): neuron, filter and N:M records are ranked apart from each other and from unstructured
 * ones. An N:M track's grid is its records' sparsity (1 − N/M), never the suite's unit ratios.
 */
export function aggregate(records: readonly AggregatableRecord[], options: AggregateOptions = {}): Aggregate {
  const byTask = groupBy(records, (r) => taskKey(r.job.task));
  const tasks = [...byTask.values()]
    .flatMap((all) => {
      const { records: group, older } = newestVersionRecords(all);
      return aggregateTaskGroup(group, options).map((t) => ({ ...t, olderVersionRecords: older }));
    })
    .sort((a, b) => compareStrings(a.task.key, b.task.key));
  const failed = records.filter((r) => r.status !== 'ok').length;
  return { tasks, records: records.length, ok: records.length - failed, failed };
}

/** One task's records of one protocol and engine: an aggregate per structure. */
function aggregateTaskGroup(group: readonly AggregatableRecord[], options: AggregateOptions): TaskAggregate[] {
  const dense = group.filter((r) => r.job.method === null);
  const byStructure = groupBy(
    group.filter((r) => r.job.method !== null),
    recordStructure,
  );
  const declared = options.gridFor?.(group[0].job.task);
  if (byStructure.size === 0 || (byStructure.size === 1 && byStructure.has('unstructured'))) return [aggregateTask(group, declared)];
  return [...byStructure.entries()].map(([structure, pruning]) =>
    aggregateTask([...dense, ...pruning], structure.includes(':') ? undefined : declared, structure),
  );
}

export function aggregateTask(
  records: readonly AggregatableRecord[],
  declaredGrid?: readonly number[],
  structure = 'unstructured',
): TaskAggregate {
  if (records.length === 0) throw new Error('aggregateTask needs at least one record');
  const { id, version } = records[0].job.task;
  const task: TaskRef =
    structure === 'unstructured'
      ? { id, version, key: taskKey({ id, version }) }
      : { id, version, key: trackKey({ id, version }, structure), structure };
  const denseRecords = records.filter((r) => r.job.method === null);
  const pruningRecords = records.filter((r) => r.job.method !== null);
  const grid = declaredGrid
    ? sortedUnique(declaredGrid.map(sparsityKey))
    : sortedUnique(pruningRecords.filter((r) => r.job.control === null).map((r) => sparsityKey(r.job.sparsity)));

  const cellGroups = groupBy(pruningRecords, (r) => `${r.job.method!.id}|${r.job.control ?? ''}|${sparsityKey(r.job.sparsity)}`);
  const cells = [...cellGroups.values()].map((group) => buildCell(task, group));
  cells.sort(compareCells);
  markPareto(cells);
  rankCellsBySparsity(cells);

  const methodGroups = groupBy(pruningRecords, (r) => `${r.job.method!.id}|${r.job.control ?? ''}`);
  const uncontrolled: MethodScore[] = [];
  const controls: MethodScore[] = [];
  for (const group of methodGroups.values()) {
    const { method, control } = { method: group[0].job.method!.id, control: group[0].job.control };
    if (control === null) {
      uncontrolled.push(scoreMethod(task, method, null, group, grid));
    } else {
      const controlGrid = sortedUnique(group.map((r) => sparsityKey(r.job.sparsity)));
      const score = scoreMethod(task, method, control, group, controlGrid);
      const reference = pruningRecords.filter((r) => r.job.method!.id === method && r.job.control === null);
      score.referenceScore = reference.length ? scoreMethod(task, method, null, reference, controlGrid).score : null;
      controls.push(score);
    }
  }
  controls.sort((a, b) => compareStrings(a.method, b.method) || compareStrings(a.control ?? '', b.control ?? ''));

  const okRecords = records.filter(isOk);
  const plantedRecords = okRecords.filter((r) => r.planted !== null);
  const planted: PlantedSummary | null = plantedRecords.length
    ? (() => {
        const density = estimate(plantedRecords.map((r) => r.planted!.plantedDensity));
        return {
          metric: plantedRecords[0].planted!.metric,
          density,
          sparsity: density ? 1 - density.mean : null,
          plantedScore: estimate(plantedRecords.map((r) => r.planted!.plantedScore)),
        };
      })()
    : null;

  return {
    task,
    kind: okRecords.find((r) => r.metrics)?.metrics?.taskKind ?? null,
    grid,
    seeds: sortedUnique(records.map((r) => r.job.seed)),
    methods: sortedUniqueStrings(pruningRecords.map((r) => r.job.method!.id)),
    dense: denseRecords.length ? buildDenseBaseline(task, denseRecords) : null,
    cells,
    ranking: rankScores(uncontrolled),
    controls,
    planted,
    records: records.length,
    failed: records.length - okRecords.length,
    olderVersionRecords: 0,
  };
}

function isOk(r: AggregatableRecord): boolean {
  return r.status === 'ok' && r.metrics !== null;
}

function buildCell(task: TaskRef, group: readonly AggregatableRecord[]): Cell {
  const first = group[0];
  const ok = group.filter(isOk);
  const failedRecords = group.filter((r) => !isOk(r));
  const m = ok.map((r) => r.metrics!);
  const withPlanted = ok.filter((r) => r.planted !== null);
  const sparsity = sparsityKey(first.job.sparsity);
  return {
    task,
    method: first.job.method!.id,
    methodVersions: sortedUniqueStrings(group.map((r) => r.job.method!.version)),
    control: first.job.control,
    sparsity,
    compression: compression(sparsity),
    n: ok.length,
    seeds: sortedUnique(ok.map((r) => r.job.seed)),
    failed: failedRecords.length,
    failures: failedRecords
      .map((r) => ({ seed: r.job.seed, stage: r.failure?.stage ?? 'unknown', reason: r.failure?.reason ?? 'no metrics recorded' }))
      .sort((a, b) => a.seed - b.seed),
    accuracy: estimate(m.map((x) => x.accuracy)),
    mse: estimate(m.map((x) => x.mse)),
    retention: estimate(m.map((x) => x.retention)),
    ece: estimate(m.map((x) => x.calibration?.ece)),
    nll: estimate(m.map((x) => x.calibration?.nll)),
    brier: estimate(m.map((x) => x.calibration?.brier)),
    maxPsi: estimate(m.map((x) => x.disparateImpact?.maxPsi)),
    psiRange: estimate(m.map((x) => x.disparateImpact?.psiRange)),
    worstGroupAccuracy: estimate(m.map((x) => x.disparateImpact?.worstGroupAccuracy)),
    measuredSparsity: estimate(m.map((x) => x.sparsity.global)),
    flopsSparse: estimate(m.map((x) => x.flops.sparse)),
    flopsDense: estimate(m.map((x) => x.flops.dense)),
    remainingParameters: estimate(m.map((x) => x.parameters.remaining)),
    recovery: withPlanted.length
      ? {
          precision: estimate(withPlanted.map((r) => r.planted!.recovery.precision)),
          recall: estimate(withPlanted.map((r) => r.planted!.recovery.recall)),
          jaccard: estimate(withPlanted.map((r) => r.planted!.recovery.jaccard)),
        }
      : null,
    unitRecovery: recoveryEstimate(withPlanted.map((r) => r.planted!.unitRecovery)),
    macs: estimate(m.map((x) => x.inference?.macs)),
    speedup: estimate(m.map((x) => x.inference?.throughput?.speedup)),
    denseSamplesPerSecond: estimate(m.map((x) => x.inference?.throughput?.denseSamplesPerSecond)),
    compactedSamplesPerSecond: estimate(m.map((x) => x.inference?.throughput?.compactedSamplesPerSecond)),
    throughputSettings: throughputSettings(ok),
    unitsRemoved: estimate(m.map((x) => x.units?.fraction)),
    strongTicketScore: estimate(withPlanted.map((r) => r.planted!.strongTicketScore)),
    weakTicketScore: estimate(withPlanted.map((r) => r.planted!.weakTicketScore)),
    calibrationBins: poolCalibrationBins(m.map((x) => x.calibration?.bins ?? null)),
    paretoDominated: null,
    sparsityRank: null,
  };
}

function recoveryEstimate(values: ReadonlyArray<RecoveryMetrics | undefined>): RecoveryEstimate | null {
  const present = values.filter((v): v is RecoveryMetrics => v !== undefined);
  if (present.length === 0) return null;
  return {
    precision: estimate(present.map((v) => v.precision)),
    recall: estimate(present.map((v) => v.recall)),
    jaccard: estimate(present.map((v) => v.jaccard)),
  };
}

function throughputSettings(records: readonly AggregatableRecord[]): ThroughputSetting[] {
  const settings = new Map<string, ThroughputSetting>();
  for (const r of records) {
    const t = r.metrics?.inference?.throughput;
    if (!t) continue;
    const setting = {
      backend: r.environment?.backend ?? null,
      threads: r.environment?.threads ?? null,
      clock: t.clock ?? 'wall',
      batchSize: t.batchSize,
      passes: t.passes,
      warmupPasses: t.warmupPasses,
    };
    settings.set(JSON.stringify(setting), setting);
  }
  return [...settings.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, s]) => s);
}

function buildDenseBaseline(task: TaskRef, group: readonly AggregatableRecord[]): DenseBaseline {
  const ok = group.filter(isOk);
  const m = ok.map((r) => r.metrics!);
  return {
    task,
    n: ok.length,
    seeds: sortedUnique(ok.map((r) => r.job.seed)),
    failed: group.length - ok.length,
    accuracy: estimate(m.map((x) => x.accuracy)),
    mse: estimate(m.map((x) => x.mse)),
    ece: estimate(m.map((x) => x.calibration?.ece)),
    nll: estimate(m.map((x) => x.calibration?.nll)),
    brier: estimate(m.map((x) => x.calibration?.brier)),
    worstGroupAccuracy: estimate(m.map((x) => x.disparateImpact?.worstGroupAccuracy)),
    flops: estimate(m.map((x) => x.flops.dense)),
    parameters: estimate(m.map((x) => x.parameters.total)),
    prunableParameters: estimate(m.map((x) => x.parameters.prunable)),
    calibrationBins: poolCalibrationBins(m.map((x) => x.calibration?.bins ?? null)),
  };
}

/**
 * Pools reliability bins over seeds: counts add, confidence and accuracy are count-weighted means,
 * which equals the bins of the union of the seeds' test predictions.
 */
export function poolCalibrationBins(binSets: ReadonlyArray<readonly CalibrationBin[] | null>): PooledBin[] | null {
  const present = binSets.filter((b): b is readonly CalibrationBin[] => b !== null && b.length > 0);
  if (present.length === 0) return null;
  const pooled = new Map<
    string,
    { lower: number; upper: number; count: number; confidenceSum: number; accuracySum: number; weight: number }
  >();
  for (const bins of present) {
    for (const bin of bins) {
      const key = `${sparsityKey(bin.lower)}|${sparsityKey(bin.upper)}`;
      let p = pooled.get(key);
      if (!p) pooled.set(key, (p = { lower: bin.lower, upper: bin.upper, count: 0, confidenceSum: 0, accuracySum: 0, weight: 0 }));
      p.count += bin.count;
      if (bin.count > 0 && bin.confidence !== null && bin.accuracy !== null) {
        p.confidenceSum += bin.count * bin.confidence;
        p.accuracySum += bin.count * bin.accuracy;
        p.weight += bin.count;
      }
    }
  }
  return [...pooled.values()]
    .sort((a, b) => a.lower - b.lower)
    .map((p) => ({
      lower: p.lower,
      upper: p.upper,
      count: p.count,
      confidence: p.weight > 0 ? p.confidenceSum / p.weight : null,
      accuracy: p.weight > 0 ? p.accuracySum / p.weight : null,
    }));
}

/** Scores one method (or one control of it) over `grid`; see the rules at the top of this file. */
export function scoreMethod(
  task: TaskRef,
  method: string,
  control: Control | null,
  records: readonly AggregatableRecord[],
  grid: readonly number[],
): MethodScore {
  const gridSet = new Set(grid);
  const okRecords = records.filter((r) => isOk(r) && r.metrics!.retention !== null && gridSet.has(sparsityKey(r.job.sparsity)));
  const coveredSparsities = sortedUnique(okRecords.map((r) => sparsityKey(r.job.sparsity)));
  const covered = new Set(coveredSparsities);

  const bySeed = groupBy(okRecords, (r) => String(r.job.seed));
  const seedScores: Array<{ seed: number; score: number }> = [];
  const incompleteSeeds: number[] = [];
  for (const seedRecords of bySeed.values()) {
    const seed = seedRecords[0].job.seed;
    const bySparsity = groupBy(seedRecords, (r) => String(sparsityKey(r.job.sparsity)));
    if (bySparsity.size < grid.length) {
      incompleteSeeds.push(seed);
      continue;
    }
    // Duplicate records for one seed and sparsity (reruns) are averaged, so each seed counts once.
    const perSparsity = [...bySparsity.values()].map((rs) => mean(rs.map((r) => r.metrics!.retention!)));
    seedScores.push({ seed, score: mean(perSparsity) });
  }
  seedScores.sort((a, b) => a.seed - b.seed);
  incompleteSeeds.sort((a, b) => a - b);
  const complete = grid.length > 0 && seedScores.length > 0;

  let partialScore: number | null = null;
  if (!complete && coveredSparsities.length > 0) {
    const cellMeans = coveredSparsities.map((s) =>
      mean(okRecords.filter((r) => sparsityKey(r.job.sparsity) === s).map((r) => r.metrics!.retention!)),
    );
    partialScore = mean(cellMeans);
  }

  return {
    task,
    method,
    control,
    grid: [...grid],
    coveredSparsities,
    missingSparsities: grid.filter((s) => !covered.has(s)),
    complete,
    seedScores,
    incompleteSeeds,
    score: complete ? estimate(seedScores.map((s) => s.score)) : null,
    partialScore,
    referenceScore: null,
    rank: null,
    rankLabel: '—',
    leader: false,
    tiedWithLeader: false,
  };
}

/**
 * Orders uncontrolled method scores and assigns ranks: complete methods by score with ties to the
 * leader, then incomplete methods (unranked) by coverage and partial score.
 */
export function rankScores(scores: readonly MethodScore[]): MethodScore[] {
  const complete = scores
    .filter((s) => s.complete && s.score !== null)
    .map((s) => ({ ...s }))
    .sort((a, b) => b.score!.mean - a.score!.mean || compareStrings(a.method, b.method));
  const incomplete = scores
    .filter((s) => !(s.complete && s.score !== null))
    .map((s) => ({ ...s, rank: null, rankLabel: '—', leader: false, tiedWithLeader: false }))
    .sort(
      (a, b) =>
        b.coveredSparsities.length - a.coveredSparsities.length ||
        (b.partialScore ?? -Infinity) - (a.partialScore ?? -Infinity) ||
        compareStrings(a.method, b.method),
    );
  if (complete.length > 0) {
    const tied = tiedWithLeader(complete.map((s) => s.score!.interval));
    complete.forEach((s, i) => {
      s.leader = i === 0;
      s.tiedWithLeader = tied[i];
      s.rank = i === 0 || tied[i] ? 1 : i + 1;
    });
    const anyTie = complete.some((s) => s.tiedWithLeader);
    for (const s of complete) s.rankLabel = s.rank === 1 && anyTie ? '=1' : String(s.rank);
  }
  return [...complete, ...incomplete];
}

/** Higher is better: accuracy for classification, −MSE for regression. */
function quality(cell: Cell): number | null {
  if (cell.accuracy) return cell.accuracy.mean;
  if (cell.mse) return -cell.mse.mean;
  return null;
}

/** Sets `paretoDominated` on the uncontrolled cells with results; see the rules at the top of this file. */
export function markPareto(cells: Cell[]): void {
  const entries = cells.filter((c) => c.control === null && quality(c) !== null);
  for (const c of cells) c.paretoDominated = null;
  for (const c of entries) {
    const q = quality(c)!;
    c.paretoDominated = entries.some((o) => {
      if (o === c) return false;
      const oq = quality(o)!;
      return o.sparsity >= c.sparsity && oq >= q && (o.sparsity > c.sparsity || oq > q);
    });
  }
}

/** Sets `sparsityRank` on uncontrolled cells with results, per sparsity; see the rules at the top of this file. */
export function rankCellsBySparsity(cells: Cell[]): void {
  for (const c of cells) c.sparsityRank = null;
  const bySparsity = groupBy(
    cells.filter((c) => c.control === null && quality(c) !== null),
    (c) => String(c.sparsity),
  );
  for (const group of bySparsity.values()) {
    group.sort((a, b) => quality(b)! - quality(a)! || compareStrings(a.method, b.method));
    const tied = tiedWithLeader(group.map((c) => (c.accuracy ?? c.mse)!.interval));
    const anyTie = tied.some(Boolean);
    group.forEach((c, i) => {
      const rank = i === 0 || tied[i] ? 1 : i + 1;
      const shares = rank === 1 && anyTie;
      c.sparsityRank = { rank, label: shares ? '=1' : String(rank), tied: shares };
    });
  }
}

function compareCells(a: Cell, b: Cell): number {
  return (
    Number(a.control !== null) - Number(b.control !== null) ||
    compareStrings(a.method, b.method) ||
    compareStrings(a.control ?? '', b.control ?? '') ||
    a.sparsity - b.sparsity
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function sortedUnique(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function sortedUniqueStrings(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareStrings);
}
