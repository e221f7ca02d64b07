/**
 * The leaderboard releases a results directory holds (`results/releases/vX.Y.Z.json`, written by
 * `prunebench release`), for the site: each release, newest first, with what still matches it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RELEASE_NAME, readReleaseFile, releaseProblems, releasesDir, type ReleaseFile } from '../harness/release/release.ts';
import type { Rejection } from './load.ts';

export interface ReleaseView {
  release: ReleaseFile;
  /** Records the release lists that are gone or changed in the results directory. */
  problems: string[];
  /** Records of the results directory that the release does not list (newer runs). */
  unlisted: number;
}

function versionKey(name: string): number[] {
  return RELEASE_NAME.exec(name)!.slice(1).map(Number);
}

/** Every well-formed release file, newest version first; malformed ones are rejected with their problem. */
export function readReleases(resultsDir: string, recordIds: ReadonlySet<string>): { releases: ReleaseView[]; rejected: Rejection[] } {
  const dir = releasesDir(resultsDir);
  if (!existsSync(dir)) return { releases: [], rejected: [] };
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && RELEASE_NAME.test(f.slice(0, -5)))
    .map((f) => f.slice(0, -5))
    .sort((a, b) => {
      const [x, y] = [versionKey(a), versionKey(b)];
      return y[0] - x[0] || y[1] - x[1] || y[2] - x[2];
    });
  const releases: ReleaseView[] = [];
  const rejected: Rejection[] = [];
  for (const name of names) {
    try {
      const release = readReleaseFile(join(dir, `${name}.json`));
      const listed = new Set(release.records.map((r) => r.id));
      releases.push({
        release,
        problems: releaseProblems(resultsDir, release),
        unlisted: [...recordIds].filter((id) => !listed.has(id)).length,
      });
    } catch (e) {
      // The message names the file by its absolute path; the site names it relative to the results.
      rejected.push({ path: `releases/${name}.json`, problems: [(e as Error).message.split(dir).join('releases')] });
    }
  }
  return { releases, rejected };
}
