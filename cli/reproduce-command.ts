import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultWorkerCount } from '../harness/run/runner.ts';
import { planSuite, type JobPlan } from '../harness/jobs/plan.ts';
import { describeJob, jobId } from '../harness/jobs/spec.ts';
import { ResultStore } from '../harness/store/store.ts';
import { planRows, type MeasuredJob } from '../harness/jobs/run-plan.ts';
import { shapeOfTasks } from '../harness/jobs/task-shape.ts';
import { gitProvenance, prunebenchVersion } from '../harness/run/environment.ts';
import { buildReproduction, writeReproduction, type ReproductionRecord } from '../harness/reproduce/reproduction-record.ts';
import { textTable } from '../harness/reproduce/format.ts';
import { getPaperSuite, getTask, listTasks, paperSuites } from '../harness/registry/suites.ts';
import type { PaperSuite } from '../api/paper-api.ts';
import { listMethods } from '../harness/registry/methods.ts';
import { runCommand } from './run-command.ts';
import { backendProblem } from './backend-check.ts';

export interface ReproduceOptions {
  list?: boolean;
  workers?: number;
  results: string;
  cache: string;
  backend?: string;
  dryRun?: boolean;
  progress?: boolean;
}

/** Runs `runCommand` for a suite; injectable so tests can check everything around it without training. */
export type SuiteRunner = typeof runCommand;

function planOf(paper: PaperSuite): JobPlan {
  return planSuite(paper.suite, { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) });
}

/** The committed leaderboard records, whose wall times estimate how long a paper's suite takes. */
const committedResults = fileURLToPath(new URL('../results/', import.meta.url));

function minutes(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

/**
 * "about 16 min of job time (…)": per task and method, the median wall time of the committed
 * records (any protocol or version: a cost, not a result) times the plan's job count.
 */
export function timeEstimate(plan: JobPlan, measured: MeasuredJob[], workers: number): string {
  const rows = planRows([...plan.dense, ...plan.sparse], () => null, measured, shapeOfTasks(listTasks()));
  const known = rows.filter((r) => r.secondsPerJob !== null);
  if (known.length === 0) return 'no committed record of its tasks to time it by';
  const total = known.reduce((s, r) => s + r.jobs * r.secondsPerJob!, 0);
  const unknown = rows.filter((r) => r.secondsPerJob === null).reduce((s, r) => s + r.jobs, 0);
  const share = unknown ? `${unknown} of ${rows.reduce((s, r) => s + r.jobs, 0)} jobs on tasks with no committed record, so at least ` : '';
  return `${share}about ${minutes(total)} of job time by the committed records' wall times, so about ${minutes(total / Math.max(1, workers))} with ${workers} worker${workers === 1 ? '' : 's'} on a similar CPU`;
}

function listPapers(print: (line: string) => void, workers: number, store: ResultStore): number {
  const measured = store
    .readAll()
    .records.filter((r) => r.status === 'ok')
    .map((r) => ({ job: r.job, totalSeconds: r.timings.totalSeconds }));
  const idWidth = Math.max(13, ...paperSuites.map((p) => p.paper.id.length));
  for (const p of paperSuites) {
    const plan = planOf(p);
    const surnames = p.paper.authors.split(',').map((a) => a.trim().split(' ').pop());
    const cite = `${surnames.length > 2 ? `${surnames[0]} et al.` : surnames.join(' & ')} ${p.paper.year}`;
    print(`${p.paper.id.padEnd(idWidth)} ${cite.padEnd(20)} ${p.paper.table}`);
    print(
      `${''.padEnd(idWidth)} "${p.paper.title}": ${p.claims.length} claims, suite ${p.suite.id} (${plan.sparse.length} pruning jobs, ${plan.dense.length} dense)`,
    );
    print(`${''.padEnd(idWidth)} time: ${timeEstimate(plan, measured, workers)}`);
  }
  return 0;
}

export function renderReproduction(record: ReproductionRecord): string {
  const rows = record.claims.map((c) => [c.id, c.reported.text, c.measuredText, c.gapText, c.toleranceText, c.verdict]);
  const notes = record.claims.filter((c) => c.verdict !== 'reproduced').map((c) => `  ${c.id} (${c.verdict}): ${c.explanation}`);
  const { reproduced, notReproduced, notRun } = record.summary;
  return [
    `${record.paper.authors} (${record.paper.year}), "${record.paper.title}" — ${record.paper.table}`,
    `suite ${record.suite.id} v${record.suite.version}; scaled down: ${record.scaledDown}`,
    '',
    textTable(['claim', 'reported', 'measured', 'gap', 'tolerance', 'verdict'], rows),
    '',
    ...(notes.length ? [...notes, ''] : []),
    `${reproduced} reproduced, ${notReproduced} not reproduced, ${notRun} not run`,
  ].join('\n');
}

export async function reproduceCommand(
  paperId: string | undefined,
  opts: ReproduceOptions,
  print: (text: string) => void = console.log,
  log: (line: string) => void = console.error,
  runSuite: SuiteRunner = runCommand,
): Promise<number> {
  if (opts.list) return listPapers(print, opts.workers ?? defaultWorkerCount(), new ResultStore(committedResults));
  if (!paperId) {
    log('prunebench reproduce: name a paper (see `prunebench reproduce --list`)');
    return 1;
  }
  let paper: PaperSuite;
  let plan: JobPlan;
  try {
    paper = getPaperSuite(paperId);
    plan = planOf(paper);
  } catch (e) {
    log(`prunebench reproduce: ${(e as Error).message}`);
    return 1;
  }
  const backend = opts.dryRun ? null : backendProblem(opts.backend);
  if (backend) {
    log(`prunebench reproduce: ${backend}`);
    return 2;
  }
  const resultsDir = resolve(opts.results);
  for (const s of plan.skipped) log(`skipping task ${s.task}: ${s.reason}`);

  let runCode = 0;
  const store = new ResultStore(resultsDir);
  if (opts.dryRun) {
    const pending = [...plan.dense, ...plan.sparse].filter((spec) => !store.has(spec));
    log(
      `dry run: suite ${paper.suite.id} has ${plan.dense.length + plan.sparse.length} jobs, ${pending.length} without a record in ${resultsDir}`,
    );
    for (const spec of pending) log(`  would run ${describeJob(spec)} (${jobId(spec)})`);
  } else {
    runCode = await runSuite(
      {
        suite: paper.suite.id,
        workers: opts.workers,
        results: opts.results,
        cache: opts.cache,
        backend: opts.backend,
        progress: opts.progress,
      },
      log,
    );
    if (runCode === 130) return runCode;
  }

  const { records, errors } = store.readAll();
  for (const e of errors) log(`skipping invalid record: ${e.message}`);
  const { record } = buildReproduction({
    paper,
    plan,
    records,
    provenance: { prunebenchVersion: prunebenchVersion(), ...(await gitProvenance()), date: new Date().toISOString() },
  });
  print(renderReproduction(record));
  if (opts.dryRun) {
    log('dry run: nothing was run and no reproduction record was written');
    return 0;
  }
  log(`wrote ${writeReproduction(resultsDir, record)}`);
  return runCode === 0 && errors.length === 0 ? 0 : 1;
}
