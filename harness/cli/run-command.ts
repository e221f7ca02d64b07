import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { planSuite, shardFromEnvironment, shardPlan, type PlanFilters } from '../jobs/plan.ts';
import { parseSetOptions } from '../jobs/hyperparameters.ts';
import { Runner, type Progress } from '../run/runner.ts';
import { gitProvenance, prunebenchVersion } from '../run/environment.ts';
import { getSuite, getTask } from '../../suites/registry.ts';
import { listMethods } from '../../methods/registry.ts';
import type { Control } from '../task-api.ts';
import { currentVersions } from '../jobs/spec.ts';
import { jobsReplacingStaleRecords } from '../store/stale.ts';

export interface RunCommandOptions extends Omit<PlanFilters, 'hyperparameters'> {
  suite: string;
  /** `method.name=value` hyperparameter overrides (`--set`). */
  set?: string[];
  workers?: number;
  shard?: string;
  results: string;
  cache: string;
  backend?: string;
  retryFailed?: boolean;
  progress?: boolean;
}

function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${Math.round(seconds)}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

export async function runCommand(opts: RunCommandOptions, log: (line: string) => void = console.error): Promise<number> {
  const suite = getSuite(opts.suite);
  const plan = planSuite(suite, { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) }, { ...opts, hyperparameters: parseSetOptions(opts.set ?? []) });
  for (const s of plan.skipped) log(`skipping task ${s.task}: ${s.reason}`);
  if (plan.addedMethods.length) log(`running ${plan.addedMethods.join(', ')} on suite ${suite.id}'s grid (not listed by the suite)`);
  const shard = shardFromEnvironment(opts.shard);
  const sharded = shardPlan(plan, shard);
  log(`suite ${suite.id} v${suite.version}: ${sharded.sparse.length} pruning jobs, ${sharded.dense.length} dense references${shard ? ` (shard ${shard.index}/${shard.count})` : ''}`);

  const replacing = jobsReplacingStaleRecords(resolve(opts.results), [...sharded.dense, ...sharded.sparse]);
  if (replacing.length) {
    const { protocol, engine } = currentVersions();
    log(`${replacing.length} of these jobs have records made under an older protocol or engine version (stale): they run again under protocol ${protocol}, engine ${engine}, and the stale records stay`);
  }

  const git = await gitProvenance();
  const useBar = opts.progress ?? Boolean(process.stderr.isTTY);
  const bar = useBar
    ? new cliProgress.SingleBar({ format: '{bar} {value}/{total} done, {failed} failed, {remaining} left, ETA {eta_text} | {current}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  let lastLogged = -1;
  const onProgress = (p: Progress) => {
    const payload = { failed: p.failed, remaining: p.remaining, eta_text: formatEta(p.etaSeconds), current: p.current ?? '' };
    if (bar) {
      if (lastLogged < 0) bar.start(p.total, p.done + p.skipped, payload);
      else bar.update(p.done + p.failed + p.skipped, payload);
      lastLogged = 0;
    } else if (p.done + p.failed !== lastLogged) {
      lastLogged = p.done + p.failed;
      log(`[${p.done + p.failed + p.skipped}/${p.total}] ${p.failed} failed, ${p.remaining} left, ETA ${formatEta(p.etaSeconds)}${p.current ? ` | ${p.current}` : ''}`);
    }
  };
  const runner = new Runner({
    plan: sharded,
    resultsDir: resolve(opts.results),
    cacheDir: resolve(opts.cache),
    workers: opts.workers,
    backend: opts.backend,
    retryFailed: opts.retryFailed,
    provenance: { prunebenchVersion: prunebenchVersion(), ...git },
    jobBudgetSeconds: (taskId) => getTask(taskId).jobBudgetSeconds,
    onProgress,
    onMessage: (line) => (bar ? undefined : log(line)),
  });
  const onSignal = () => {
    log('\ninterrupted: stopping workers; finished records are kept, rerun to resume');
    runner.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const summary = await runner.run();
    bar?.stop();
    log(`finished: ${summary.ran} ran, ${summary.failed} failed, ${summary.skipped} already done`);
    for (const f of summary.failures) log(`  failed: ${f.job}: ${f.reason}`);
    if (summary.interrupted) return 130;
    return summary.failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function parseControls(value: string): Control[] {
  if (value === 'none') return [];
  const items = value.split(',').map((s) => s.trim());
  for (const c of items) if (!['shuffled', 'reinit', 'inverted'].includes(c)) throw new Error(`--controls: unknown control '${c}' (shuffled, reinit, inverted, or none)`);
  return items as Control[];
}
