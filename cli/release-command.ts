import { resolve } from 'node:path';
import { cutRelease, ReleaseError, type LeaderboardGrid } from '../harness/release/release.ts';
import { planSuite } from '../harness/jobs/plan.ts';
import { selectsRegisteredMethods } from '../harness/jobs/suite-grid.ts';
import { defaultCitationFile } from './cite-command.ts';
import { getTask, listSuites } from '../harness/registry/suites.ts';
import { listMethods } from '../harness/registry/methods.ts';

export interface ReleaseOptions {
  results: string;
}

/**
 * The grids a release must hold complete, planned into jobs: every suite whose methods are a
 * selection over the registered methods ('all', 'score-returning'), so a new method's jobs join them.
 */
export function leaderboardGrids(): LeaderboardGrid[] {
  const manifests = listMethods().map((m) => m.manifest);
  return listSuites()
    .filter(selectsRegisteredMethods)
    .map((suite) => {
      const plan = planSuite(suite, { getTask, listMethodManifests: () => manifests });
      return { id: suite.id, version: suite.version, jobs: [...plan.dense, ...plan.sparse] };
    });
}

export async function releaseCommand(
  name: string,
  opts: ReleaseOptions,
  print: (line: string) => void = console.log,
  log: (line: string) => void = console.error,
): Promise<number> {
  try {
    const { file, release } = await cutRelease({
      release: name,
      resultsDir: resolve(opts.results),
      citationFile: defaultCitationFile,
      grids: leaderboardGrids(),
    });
    print(
      `released ${release.release}: ${release.records.length} records (${release.suites.map((s) => `${s.id} v${s.version}, ${s.jobs} jobs`).join('; ')}) at ${release.commit.slice(0, 12)}`,
    );
    print(`wrote ${file}, set CITATION.cff to ${release.release.slice(1)} (${release.date}), committed both and tagged ${release.release}`);
    return 0;
  } catch (e) {
    if (!(e instanceof ReleaseError)) throw e;
    log(`prunebench release: ${e.message}`);
    return 1;
  }
}
