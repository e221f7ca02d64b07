/**
 * A leaderboard release: a frozen list of every committed record (id, path, SHA-256) with the
 * commit, date and suite versions it was cut from, in `results/releases/vX.Y.Z.json`. It is what a
 * paper cites, and it stays checkable without git tags (tags do not always travel with a clone):
 * `validate` re-hashes every record it lists.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { describeJob, type JobSpec } from '../jobs/spec.ts';
import { ResultStore } from '../store/store.ts';
import { assertValid, parseJsonFile } from '../schema/validator.ts';
import { RELEASE_NAME, Repository } from '../git/repository.ts';
import { currentSourceHashes, jobState } from '../run/job-done.ts';

export interface ReleaseFile {
  /** Not `schemaVersion`: readers of a results directory take files with that key for records. */
  releaseFormat: 1;
  release: string;
  /** YYYY-MM-DD, UTC. */
  date: string;
  /** The commit whose committed records the release freezes. */
  commit: string;
  suites: Array<{ id: string; version: string; jobs: number }>;
  records: Array<{ id: string; path: string; sha256: string }>;
}

/** A leaderboard suite's planned jobs (dense references included). */
export interface LeaderboardGrid {
  id: string;
  version: string;
  jobs: JobSpec[];
}

export class ReleaseError extends Error {}

export function releasesDir(resultsDir: string): string {
  return join(resultsDir, 'releases');
}

export function releaseFilePath(resultsDir: string, release: string): string {
  return join(releasesDir(resultsDir), `${release}.json`);
}

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export interface MissingJob {
  /** "standard v2" */
  grid: string;
  task: string;
  /** "standard v2: mnist-lenet300 imp s=0.9 seed 1", with why when its record is stale. */
  text: string;
}

/**
 * The jobs of the grids without a current record: no record, or a stale one (its method's code or
 * manifest changed since; `run` makes it again), by the rule `run` uses.
 */
export function missingJobs(
  store: ResultStore,
  grids: LeaderboardGrid[],
  currentSourceHash: (methodId: string) => string | null = currentSourceHashes(),
): MissingJob[] {
  return grids.flatMap((grid) =>
    grid.jobs.flatMap((job) => {
      const state = jobState(job, store.read(job), currentSourceHash);
      if (state === 'done') return [];
      const name = `${grid.id} v${grid.version}`;
      return [
        {
          grid: name,
          task: job.task.id,
          text: `${name}: ${describeJob(job)}${state === 'stale' ? " (stale record: the method's code changed since)" : ''}`,
        },
      ];
    }),
  );
}

const LISTED_MISSING = 50;

/** The missing jobs as lines: the first ones, and beyond those the count per grid and task. */
export function describeMissing(missing: MissingJob[]): string {
  const lines = missing.slice(0, LISTED_MISSING).map((m) => `  ${m.text}`);
  if (missing.length > LISTED_MISSING) {
    const counts = new Map<string, number>();
    for (const { grid, task } of missing) {
      const gridTask = `${grid}: ${task}`;
      counts.set(gridTask, (counts.get(gridTask) ?? 0) + 1);
    }
    lines.push(
      `  … and ${missing.length - LISTED_MISSING} more. Jobs with no record, per grid and task:`,
      ...[...counts].map(([gridTask, n]) => `    ${gridTask}: ${n}`),
    );
  }
  return lines.join('\n');
}

export function readReleaseFile(file: string): ReleaseFile {
  const data = parseJsonFile(file, readFileSync(file, 'utf8'));
  assertValid('release', data, file);
  const release = data as ReleaseFile;
  if (`${release.release}.json` !== file.split(sep).pop())
    throw new ReleaseError(`${file}: /release: '${release.release}' does not match the file name`);
  return release;
}

/** Problems of a release against the results directory: records it lists that are gone or changed. */
export function releaseProblems(resultsDir: string, release: ReleaseFile): string[] {
  const problems: string[] = [];
  for (const r of release.records) {
    const file = join(resultsDir, r.path);
    if (!existsSync(file)) problems.push(`record ${r.id} (${r.path}) is listed by ${release.release} but no longer exists`);
    else if (sha256Of(file) !== r.sha256) problems.push(`record ${r.id} (${r.path}) changed since ${release.release} (SHA-256 differs)`);
  }
  return problems;
}

export interface CutOptions {
  release: string;
  resultsDir: string;
  citationFile: string;
  grids: LeaderboardGrid[];
  /** Today's date, YYYY-MM-DD (for tests). */
  date?: string;
}

/**
 * Cuts a release: refuses a malformed name, an existing release, a dirty worktree and incomplete
 * leaderboard grids; writes the release file and sets CITATION.cff's version and date, and commits
 * both (with a vX.Y.Z tag). Returns the release file's path.
 */
export async function cutRelease(opts: CutOptions): Promise<{ file: string; release: ReleaseFile }> {
  if (!RELEASE_NAME.test(opts.release)) throw new ReleaseError(`release '${opts.release}' is not of the form vX.Y.Z`);
  const file = releaseFilePath(opts.resultsDir, opts.release);
  if (existsSync(file)) throw new ReleaseError(`${file} exists: a release is never overwritten (cut a new version)`);
  const repo = await Repository.open(opts.resultsDir);
  if (!repo) throw new ReleaseError(`${opts.resultsDir} is not in a git repository: a release freezes committed records`);
  const changed = await repo.changedFiles();
  if (changed.length)
    throw new ReleaseError(
      `the worktree is dirty (${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ', …' : ''}): commit or remove the changes first, so the release freezes committed records only`,
    );
  if ((await repo.tagNames()).includes(opts.release)) throw new ReleaseError(`git tag ${opts.release} exists already`);

  const store = new ResultStore(opts.resultsDir);
  const missing = missingJobs(store, opts.grids);
  if (missing.length)
    throw new ReleaseError(
      `the leaderboard grids are incomplete: ${missing.length} job${missing.length === 1 ? ' has' : 's have'} no record:\n${describeMissing(missing)}`,
    );
  const { records, errors } = store.readAll();
  if (errors.length)
    throw new ReleaseError(
      `the results hold invalid records (run \`prunebench validate\`):\n${errors.map((e) => `  ${e.message}`).join('\n')}`,
    );

  const commit = await repo.head();
  if (!commit) throw new ReleaseError(`the repository at ${repo.root} has no commits: a release freezes committed records`);
  const release: ReleaseFile = {
    releaseFormat: 1,
    release: opts.release,
    date: opts.date ?? new Date().toISOString().slice(0, 10),
    commit,
    suites: opts.grids.map((g) => ({ id: g.id, version: g.version, jobs: g.jobs.length })),
    records: records
      .map((r) => {
        const path = relative(opts.resultsDir, store.pathFor(r.job)).split(sep).join('/');
        return { id: r.id, path, sha256: sha256Of(store.pathFor(r.job)) };
      })
      .sort((a, b) => (a.path < b.path ? -1 : 1)),
  };
  assertValid('release', release, file);
  mkdirSync(releasesDir(opts.resultsDir), { recursive: true });
  writeFileSync(file, `${JSON.stringify(release, null, 2)}\n`);

  const cff = parseDocument(readFileSync(opts.citationFile, 'utf8'));
  cff.set('version', opts.release.slice(1));
  cff.set('date-released', release.date);
  writeFileSync(opts.citationFile, cff.toString({ lineWidth: 100 }));

  await repo.commitAndTag(
    [file, opts.citationFile],
    `Release ${opts.release}: ${release.records.length} records of ${release.suites.map((s) => `${s.id} v${s.version}`).join(', ')} at ${commit.slice(0, 12)}`,
    opts.release,
    `PruneBench leaderboard ${opts.release}`,
  );
  return { file, release };
}
