import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { COMMITTED_RESULTS, LOCAL_RESULTS, collect, parseList, parseNumberList, parsePositiveInt } from './options.ts';
import { parseControls, runCommand } from './run-command.ts';
import { listCommand } from './list-command.ts';
import { validateCommand } from './validate-command.ts';
import { reportCommand } from './report-command.ts';
import { plantedCommand } from '../harness/registry/suites.ts';
import { defaultWorkerCount } from '../harness/run/runner.ts';
import { siteBuildCommand } from './site-command.ts';
import { newMethodCommand } from './new-method-command.ts';
import { DEFAULT_BASE } from '../harness/validate/history.ts';
import { parseSeed, parseTolerance, verifyCommand } from './verify-command.ts';
import { DEFAULT_TOLERANCE } from '../harness/verify/compare.ts';
import { citeCommand } from './cite-command.ts';
import { releaseCommand } from './release-command.ts';
import { reproduceCommand } from './reproduce-command.ts';
import { mergeCommand } from './merge-command.ts';

// Same root as the data cache (suites/data/cache.ts): $PRUNEBENCH_CACHE_DIR/checkpoints.
const DEFAULT_CACHE = process.env.PRUNEBENCH_CACHE_DIR
  ? join(process.env.PRUNEBENCH_CACHE_DIR, 'checkpoints')
  : '.cache/prunebench/checkpoints';

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  program.name('prunebench').description('Benchmark suite and leaderboard for neural-network pruning methods').exitOverride();
  // Subcommands inherit this: an argument a command does not take is an error, never silently ignored.
  program.allowExcessArguments(false);

  program
    .command('run')
    .description('Run a suite (resumable: finished jobs are skipped)')
    .requiredOption('--suite <id>', 'suite id (see `prunebench list suites`)')
    .option('--tasks <ids>', 'only these tasks (comma-separated)', parseList('--tasks'))
    .option('--methods <ids>', 'only these methods', parseList('--methods'))
    .option('--sparsities <list>', 'only these sparsities, e.g. 0.9,0.98', parseNumberList('--sparsities'))
    .option('--seeds <list>', 'only these seeds', parseNumberList('--seeds', true))
    .option('--structures <list>', 'only these structures of the suite, e.g. neuron,2:4', parseList('--structures'))
    .option('--controls <list>', "controls to add: shuffled,reinit,inverted or none (default: the suite's)", parseControls)
    .option(
      '--set <method.name=value>',
      'override a method hyperparameter (repeatable; checked against its manifest before any job runs; part of the job identity)',
      collect,
      [],
    )
    .option('--workers <n>', `worker processes (default: cores = ${defaultWorkerCount()})`, parsePositiveInt('--workers'))
    .option('--shard <k/n>', 'run shard k of n (0-based); also read from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, PRUNEBENCH_SHARD')
    .option(
      '--results <dir>',
      `results directory, git-ignored by default (the leaderboard's committed records: --results ${COMMITTED_RESULTS})`,
      LOCAL_RESULTS,
    )
    .option('--cache <dir>', 'dense checkpoint cache', DEFAULT_CACHE)
    .option('--backend <name>', 'tensorflow | wasm | cpu (default: PRUNEBENCH_BACKEND or the fastest available)')
    .option('--retry-failed', 'rerun jobs whose stored record is a failure')
    .option('--no-progress', 'log lines instead of a progress bar')
    .option('--plan', 'print the jobs per task and method, how many are done, the estimated compute left and shard commands; run nothing')
    .option(
      '--shards <n>',
      'with --plan: the number of shards of the printed Slurm, Kubernetes and CI commands (default 8)',
      parsePositiveInt('--shards'),
    )
    .action(async (o) => setExit(await runCommand({ ...o, progress: o.progress === false ? false : undefined })));

  program
    .command('report')
    .description('Aggregate the records of a suite into a table')
    .requiredOption('--suite <id>', 'suite id')
    .option('--format <fmt>', 'table | markdown | csv | json', 'table')
    .option(
      '--results <dir>',
      `results directory, git-ignored by default (the leaderboard's committed records: --results ${COMMITTED_RESULTS})`,
      LOCAL_RESULTS,
    )
    .action(async (o) => setExit(await reportCommand(o)));

  program
    .command('validate')
    .description('Validate manifests, suites and records against their schemas and each other')
    .argument('[paths...]', 'files or directories (default: methods/ and results/)')
    .option('--results <dir>', 'results directory', COMMITTED_RESULTS)
    .option(
      '--base <ref>',
      `git ref to check the results history against: records removed or changed since the merge base need results/notes/<id>.md (default: ${DEFAULT_BASE} when it exists)`,
    )
    .action(async (paths: string[], o) => setExit(await validateCommand(paths, o)));

  program
    .command('merge')
    .description(
      "Merge the records of other results directories (shards, another worktree's run) into one: new records are added, a stale record is replaced by a current one, a finished record is never replaced",
    )
    .argument('<sources...>', 'results directories (holding runs/) or folders laid out like runs/')
    .option('--results <dir>', 'the results directory to merge into', COMMITTED_RESULTS)
    .action(async (sources: string[], o) => setExit(await mergeCommand(sources, o)));

  program
    .command('list')
    .description('List tasks, methods or suites')
    .argument('<what>', 'tasks | methods | suites')
    .action(async (what: string) => setExit(await listCommand(what)));

  program
    .command('planted')
    .description('Generate a planted-ticket task and print its ticket')
    .requiredOption('--target <name>', 'circle | relu | helix')
    .option('--depth <d>', 'weight layers of the mother network', parsePositiveInt('--depth'), 5)
    .option('--width <w>', 'hidden width', parsePositiveInt('--width'), 100)
    .option('--seed <s>', 'seed', (v) => Number(v), 0)
    .option('--json', 'print JSON')
    .action((o) => {
      console.log(plantedCommand({ target: o.target, depth: o.depth, width: o.width, seed: o.seed, json: Boolean(o.json) }));
      setExit(0);
    });

  const site = program.command('site').description('The static leaderboard site');
  site
    .command('build')
    .description('Render the records and method manifests into a static site')
    .option('--results <dir>', 'results directory', COMMITTED_RESULTS)
    .option('--out <dir>', 'output directory', 'site-out')
    .option('--release <label>', 'release label (default: the vX.Y.Z tag at a clean HEAD, else "unreleased")')
    .option('--releases', 'also render every vX.Y.Z git tag that holds results into <out>/vX.Y.Z/')
    .action(async (o) => setExit(await siteBuildCommand(o)));

  program
    .command('new-method')
    .description('Scaffold methods/<id>/ for a submission: manifest, index.ts with a placeholder score, golden test')
    .argument('<id>', 'method id: lowercase letters, digits, hyphens')
    .option('--dir <dir>', "methods directory (default: the project's methods/)")
    .action(async (id: string, o) => setExit(await newMethodCommand(id, o)));

  program
    .command('verify')
    .description(
      'Re-run a seeded sample of recorded jobs (or the given record files) and compare every metric: identical on the same backend, within --tolerance on another',
    )
    .argument('[records...]', 'record files to re-run instead of a sample')
    .option('--sample <n>', 'how many ok records to re-run', parsePositiveInt('--sample'), 3)
    .option('--seed <s>', 'seed of the sample (the same seed picks the same records)', parseSeed, 0)
    .option('--results <dir>', 'results directory', COMMITTED_RESULTS)
    .option('--tolerance <x>', 'allowed |difference| / max(1, |value|) when the backends differ', parseTolerance, DEFAULT_TOLERANCE)
    .option('--workers <n>', 'worker processes', parsePositiveInt('--workers'))
    .option('--backend <name>', 'tensorflow | wasm | cpu (default: as for run)')
    .action(async (records: string[], o) => setExit(await verifyCommand({ ...o, records })));

  program
    .command('release')
    .description(
      'Freeze the committed records as a citable leaderboard release: results/releases/vX.Y.Z.json, CITATION.cff, a commit and a tag',
    )
    .argument('<version>', 'vX.Y.Z')
    .option('--results <dir>', 'the committed results directory', 'results')
    .action(async (version: string, o) => setExit(await releaseCommand(version, o)));

  program
    .command('cite')
    .description('Print the citation of PruneBench and of a leaderboard release, with the papers of the methods in it')
    .option('--release <tag>', 'a vX.Y.Z release tag (default: the software, and the methods with records in --results)')
    .option('--format <fmt>', 'bibtex | cff', 'bibtex')
    .option('--results <dir>', 'results directory', COMMITTED_RESULTS)
    .action(async (o) => setExit(await citeCommand(o)));

  program
    .command('reproduce')
    .description("Run a paper's suite at CPU scale and check the paper's claims against the results (results/reproductions/<paper>.json)")
    .argument('[paper]', 'paper id (see --list)')
    .option('--list', 'list the papers')
    .option('--workers <n>', `worker processes (default: cores = ${defaultWorkerCount()})`, parsePositiveInt('--workers'))
    .option(
      '--results <dir>',
      `results directory, git-ignored by default (the leaderboard's committed records: --results ${COMMITTED_RESULTS})`,
      LOCAL_RESULTS,
    )
    .option('--cache <dir>', 'dense checkpoint cache', DEFAULT_CACHE)
    .option('--backend <name>', 'tensorflow | wasm | cpu (default: as for run)')
    .option('--dry-run', 'list the jobs without a record and check the claims on the records there are; write nothing')
    .option('--no-progress', 'log lines instead of a progress bar')
    .action(async (paper: string | undefined, o) =>
      setExit(await reproduceCommand(paper, { ...o, progress: o.progress === false ? false : undefined })),
    );

  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    console.error(`prunebench: ${(e as Error).message}`);
    return 1;
  }
  return code;
}
