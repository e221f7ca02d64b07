/**
 * The reproduction record (results/reproductions/<paper id>.json, results/schema/reproduction.schema.json):
 * a paper's claims with reported and measured numbers, gaps, tolerances and verdicts, the jobs they
 * rest on, the environment and provenance. Built from run records by `buildReproduction`, written
 * atomically by `writeReproduction`, checked by `checkReproductionFiles`.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { arch, cpus, platform } from 'node:os';
import { aggregate, sparsityKey } from '../aggregate/aggregate.ts';
import type { Control } from '../aggregate/record.ts';
import { canonicalJson, describeJob, jobId, recordRelativePath, type JobSpec } from '../jobs/spec.ts';
import type { JobPlan } from '../jobs/plan.ts';
import { assertValid } from '../schema/validator.ts';
import type { RunRecord } from '../store/record.ts';
import type { PaperSuite } from '../../api/paper-api.ts';
import { gapText, measuredText, toleranceText } from './format.ts';
import type { UsedQuantity } from './lookup.ts';
import { evaluateClaim, type ClaimOutcome, type JudgedClaim, type Measured, type Verdict } from './verdict.ts';

export const REPRODUCTIONS_DIR = 'reproductions';

export const ABOUT =
  'Claims of a paper checked against PruneBench runs of its suite, scaled down as `scaledDown` says. ' +
  'verdict: "reproduced", "not reproduced" (the gap is outside the tolerance) or "not run" (a result the claim needs is missing; `missing` says which). ' +
  'value claims: gap = measured − reported, reproduced when |gap| ≤ tolerance. threshold claims: gap = measured − bound, reproduced when gap ≤ tolerance (at-most) or gap ≥ −tolerance (at-least). ' +
  'ordering claims: tiers from best to worst, higher is better; gap = the smallest margin between an entry and an entry of a later tier, reproduced when gap ≥ −tolerance. ' +
  "reported and measured values are in the claim's unit, gap and tolerance too except that differences of % values are in pp (percentage points); `used` lists the means over seeds the measurement rests on and their job ids.";

export type JobStatus = 'ok' | 'failed' | 'missing';

export interface ReproductionJob {
  id: string;
  label: string;
  task: string;
  method: string | null;
  control: Control | null;
  sparsity: number;
  seed: number;
  status: JobStatus;
  path: string;
  failure: string | null;
}

export type ReproducedClaim = JudgedClaim & {
  measured: Measured | null;
  measuredText: string;
  gap: number | null;
  gapText: string;
  toleranceText: string;
  verdict: Verdict;
  explanation: string;
  used: Array<UsedQuantity & { jobIds: string[] }>;
  missing: string[];
};

export interface ReproductionRecord {
  reproductionVersion: 1;
  about: string;
  paper: PaperSuite['paper'];
  setting: string;
  scaledDown: string;
  suite: {
    id: string;
    version: string;
    description: string;
    tasks: string[];
    methods: string[];
    sparsities: number[];
    seeds: number[];
    controls: Control[];
  };
  claims: ReproducedClaim[];
  summary: { claims: number; reproduced: number; notReproduced: number; notRun: number };
  jobs: ReproductionJob[];
  environment: { reproducer: { node: string; platform: string; arch: string; cpu: string }; runs: RunRecord['environment'][] };
  provenance: { prunebenchVersion: string; gitCommit: string | null; gitDirty: boolean | null; date: string };
}

export interface ReproductionInputs {
  paper: PaperSuite;
  plan: JobPlan;
  /** Run records of the results directory; those outside the plan are ignored. */
  records: readonly RunRecord[];
  provenance: ReproductionRecord['provenance'];
}

export interface Reproduction {
  outcomes: ClaimOutcome[];
  record: ReproductionRecord;
}

function planJobs(plan: JobPlan): JobSpec[] {
  return [...plan.dense, ...plan.sparse];
}

function matchesQuantity(spec: JobSpec, q: UsedQuantity): boolean {
  if (spec.task.id !== q.task) return false;
  if (q.metric === 'plantedScore') return spec.method !== null;
  if (q.method === null) return spec.method === null;
  return spec.method?.id === q.method && spec.control === q.control && sparsityKey(spec.sparsity) === q.sparsity;
}

/** Aggregates the plan's records, evaluates every claim and assembles the record (pure but for the reproducer's machine description). */
export function buildReproduction({ paper, plan, records, provenance }: ReproductionInputs): Reproduction {
  const byId = new Map(records.map((r) => [r.id, r]));
  const jobs = planJobs(plan);
  const inPlan = jobs.map((spec) => byId.get(jobId(spec))).filter((r): r is RunRecord => r !== undefined);
  const aggregated = aggregate(inPlan);
  const outcomes = paper.claims.map((claim) => evaluateClaim(claim, aggregated));
  const okIds = (q: UsedQuantity) => jobs.filter((spec) => matchesQuantity(spec, q) && byId.get(jobId(spec))?.status === 'ok').map(jobId);

  const claims: ReproducedClaim[] = outcomes.map((o) => {
    const { measure: _measure, ...claim } = o.claim;
    return {
      ...claim,
      measured: o.measured,
      measuredText: measuredText(claim, o.measured),
      gap: o.gap,
      gapText: gapText(claim, o.gap),
      toleranceText: toleranceText(claim),
      verdict: o.verdict,
      explanation: o.explanation,
      used: o.used.map((q) => ({ ...q, jobIds: okIds(q) })),
      missing: o.missing,
    };
  });

  const environments = new Map<string, RunRecord['environment']>();
  for (const r of inPlan) environments.set(canonicalJson(r.environment), r.environment);

  const record: ReproductionRecord = {
    reproductionVersion: 1,
    about: ABOUT,
    paper: paper.paper,
    setting: paper.setting,
    scaledDown: paper.scaledDown,
    suite: {
      id: paper.suite.id,
      version: paper.suite.version,
      description: paper.suite.description,
      tasks: [...paper.suite.tasks],
      methods: Array.isArray(paper.suite.methods) ? [...paper.suite.methods] : [...new Set(plan.sparse.map((s) => s.method!.id))],
      sparsities: [...paper.suite.sparsities],
      seeds: [...paper.suite.seeds],
      controls: [...(paper.suite.controls ?? [])],
    },
    claims,
    summary: summarize(claims.map((c) => c.verdict)),
    jobs: jobs.map((spec) => jobEntry(spec, byId.get(jobId(spec)))),
    environment: {
      reproducer: { node: process.version, platform: platform(), arch: arch(), cpu: cpus()[0]?.model ?? 'unknown' },
      runs: [...environments.values()],
    },
    provenance,
  };
  return { outcomes, record };
}

export function summarize(verdicts: readonly Verdict[]): ReproductionRecord['summary'] {
  const count = (v: Verdict) => verdicts.filter((x) => x === v).length;
  return { claims: verdicts.length, reproduced: count('reproduced'), notReproduced: count('not reproduced'), notRun: count('not run') };
}

function jobEntry(spec: JobSpec, record: RunRecord | undefined): ReproductionJob {
  return {
    id: jobId(spec),
    label: describeJob(spec),
    task: spec.task.id,
    method: spec.method?.id ?? null,
    control: spec.control,
    sparsity: spec.sparsity,
    seed: spec.seed,
    status: record ? record.status : 'missing',
    path: recordRelativePath(spec),
    failure: record?.failure ? `${record.failure.stage}: ${record.failure.reason}` : null,
  };
}

export function reproductionPath(resultsDir: string, paperId: string): string {
  return join(resultsDir, REPRODUCTIONS_DIR, `${paperId}.json`);
}

/** Validates, then writes atomically (temp file in the same directory, then rename). */
export function writeReproduction(resultsDir: string, record: ReproductionRecord): string {
  const file = reproductionPath(resultsDir, record.paper.id);
  assertValid('reproduction', record, file);
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  return file;
}
