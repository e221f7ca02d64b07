/**
 * IMP's jobs of a suite (one seed) run by the runner, sandboxed, before and after the shared
 * trunk: `before` runs each sparsity in a run of its own with no stored levels, as each job ran
 * before the trunk; `after` runs them together, each starting from the levels the one before it
 * stored. Prints the trainings (ctx.train calls, from the records) and the wall time of each, and
 * checks that both give the same metrics. The dense reference is trained first and not timed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../cli/run-command.ts';
import type { RunRecord } from '../harness/store/run-record.ts';
import { getSuite } from '../suites/registry.ts';
import { filesUnder } from '../tests/cli-helpers.ts';

const SEED = 0;

function impRecords(results: string, methodId: string): RunRecord[] {
  return filesUnder(results)
    .filter((f) => f.includes(`/${methodId}/`) && f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(results, f), 'utf8')) as RunRecord)
    .sort((a, b) => a.job.sparsity - b.job.sparsity);
}

export async function benchImpTrunkRunner(suiteId = 'lenet300-methods', methodId = 'imp'): Promise<void> {
  const suite = getSuite(suiteId);
  const dir = mkdtempSync(join(tmpdir(), 'pb-bench-trunk-'));
  const cache = join(dir, 'cache');
  const quiet = () => {};
  const run = async (results: string, methods: string[], sparsities: number[]) => {
    const started = performance.now();
    const code = await runCommand(
      { suite: suiteId, methods, sparsities, seeds: [SEED], controls: [], workers: 1, results, cache, progress: false },
      quiet,
      quiet,
    );
    if (code !== 0) throw new Error(`run ${methods.join(',')} at ${sparsities.join(',')} exited ${code}`);
    return (performance.now() - started) / 1000;
  };
  try {
    console.log(
      `\nIMP trunk in the runner: ${methodId} on ${suiteId} (${suite.tasks.join(', ')}), seed ${SEED}, sparsities ${suite.sparsities.join(', ')}, 1 worker, sandboxed`,
    );
    await run(join(dir, 'dense'), ['random'], [suite.sparsities[0]]);

    const before: RunRecord[] = [];
    let beforeSeconds = 0;
    for (const sparsity of suite.sparsities) {
      rmSync(join(cache, 'trunks'), { recursive: true, force: true });
      const results = join(dir, `before-${sparsity}`);
      const seconds = await run(results, [methodId], [sparsity]);
      beforeSeconds += seconds;
      const [record] = impRecords(results, methodId);
      before.push(record);
      console.log(
        `  before: s = ${sparsity}: ${record.trunk!.rounds} trainings, ${seconds.toFixed(1)} s (prune ${record.timings.pruneSeconds.toFixed(1)} s)`,
      );
    }

    rmSync(join(cache, 'trunks'), { recursive: true, force: true });
    const afterResults = join(dir, 'after');
    const afterSeconds = await run(afterResults, [methodId], suite.sparsities);
    const after = impRecords(afterResults, methodId);
    for (const [i, record] of after.entries()) {
      const same = JSON.stringify(record.metrics) === JSON.stringify(before[i].metrics);
      console.log(
        `  after:  s = ${record.job.sparsity}: from level ${record.trunk!.reusedLevel}, branch level ${record.trunk!.level}, ${record.trunk!.rounds} trainings (prune ${record.timings.pruneSeconds.toFixed(1)} s); metrics ${same ? 'identical to' : 'DIFFERENT from'} the run alone`,
      );
    }
    const rounds = (records: RunRecord[]) => records.reduce((sum, r) => sum + r.trunk!.rounds, 0);
    console.log(`  before: ${rounds(before)} trainings, ${beforeSeconds.toFixed(1)} s`);
    console.log(
      `  after:  ${rounds(after)} trainings, ${afterSeconds.toFixed(1)} s (${(beforeSeconds / afterSeconds).toFixed(2)}× faster)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
