/**
 * IMP rounds and wall time on the lenet300-methods grid, one seed, before and after the trunk:
 * `before` runs imp's prune() once per grid sparsity, as each job does today; `after` runs
 * pruneTrunk once for the whole grid. In one process (no sandbox, no dense reference), so the
 * figures are the prune stage's only. Checks that both give the same scores.
 */
import { selectBackend } from '../engine/backend/backend-selection.ts';
import { MaskedNetwork } from '../engine/network.ts';
import { Rng } from '../engine/rng.ts';
import { resolveHyperparameters } from '../harness/jobs/hyperparameters.ts';
import type { PruneContext, PruneResult, WeightMap } from '../api/method-api.ts';
import { pruneTrunk, readIterativeMagnitudeSettings } from '../api/method-kit/iterative-magnitude.ts';
import { createPruneContext } from '../harness/prune/context.ts';
import { keepCountFor } from '../harness/prune/mask-selection.ts';
import { initialWeightsFor } from '../harness/run/execute.ts';
import { getMethod } from '../harness/registry/methods.ts';
import { getSuite, getTask } from '../suites/registry.ts';

const SEED = 0;

export async function benchImpTrunk(suiteId = 'lenet300-methods'): Promise<void> {
  await selectBackend();
  const suite = getSuite(suiteId);
  const method = getMethod('imp');
  const prune = await method.load();
  const hyperparameters = resolveHyperparameters(method.manifest, suite.hyperparameters?.imp);
  for (const taskId of suite.tasks) {
    const task = getTask(taskId);
    const data = await task.load(SEED);
    const initial = initialWeightsFor(task, data, SEED);
    const contextAt = (sparsity: number) => {
      const network = MaskedNetwork.fromWeights(task.architecture, initial);
      const total = network.prunableNames.reduce((s, n) => s + network.variable(n).size, 0);
      const base = createPruneContext({
        network,
        train: data.splits.train,
        validation: data.splits.validation,
        recipe: task.recipe,
        target: { sparsity, scope: method.manifest.scope, keepCount: keepCountFor(total, sparsity), totalPrunable: total },
        hyperparameters,
        rng: new Rng(SEED).fork(`method:${method.manifest.id}`),
        taskKind: task.kind,
        allowWeightTraining: true,
      });
      let trainings = 0;
      const ctx: PruneContext = { ...base, train: (options) => (trainings++, base.train(options)) };
      return { ctx, network, total, trainings: () => trainings };
    };

    console.log(
      `\nIMP trunk: ${taskId}, seed ${SEED}, sparsities ${suite.sparsities.join(', ')} (${suiteId}), imp ${JSON.stringify(hyperparameters)}`,
    );
    const straight: WeightMap[] = [];
    let beforeRounds = 0;
    const beforeStart = performance.now();
    for (const sparsity of suite.sparsities) {
      const { ctx, network, trainings } = contextAt(sparsity);
      const started = performance.now();
      const result = (await prune(ctx)) as PruneResult;
      network.dispose();
      if (!('scores' in result)) throw new Error('imp returns scores');
      straight.push(result.scores);
      beforeRounds += trainings();
      console.log(`  before: s = ${sparsity}: ${trainings()} rounds, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const beforeSeconds = (performance.now() - beforeStart) / 1000;

    const { ctx, network, total, trainings } = contextAt(Math.max(...suite.sparsities));
    const settings = readIterativeMagnitudeSettings(ctx);
    const keepCounts = suite.sparsities.map((s) => keepCountFor(total, s));
    const afterStart = performance.now();
    const branches = await pruneTrunk(
      ctx,
      settings,
      { train: () => ctx.train({ epochs: settings.epochs }), rewind: () => ctx.rewind('init') },
      keepCounts,
    );
    const afterSeconds = (performance.now() - afterStart) / 1000;
    network.dispose();
    suite.sparsities.forEach((sparsity, i) => {
      const branch = branches.get(keepCounts[i])!;
      const same = Object.keys(straight[i]).every((name) => straight[i][name].every((v, j) => Object.is(v, branch.scores[name][j])));
      console.log(
        `  after:  s = ${sparsity}: branches from trunk level ${branch.level}; scores ${same ? 'bit-identical to' : 'DIFFERENT from'} the straight run`,
      );
    });
    console.log(`  before: ${beforeRounds} rounds, ${beforeSeconds.toFixed(1)} s`);
    console.log(
      `  after:  ${trainings()} rounds, ${afterSeconds.toFixed(1)} s (${(beforeSeconds / afterSeconds).toFixed(2)}× faster, ${beforeRounds - trainings()} rounds saved)`,
    );
    console.log(
      `  per ${suiteId} run (${suite.seeds.length} seeds, imp only): ${beforeRounds * suite.seeds.length} → ${trainings() * suite.seeds.length} rounds`,
    );
  }
}
