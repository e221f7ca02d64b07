import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { canonicalJson, recordRelativePath, type JobSpec } from '../jobs/spec.ts';
import { staleVersionReason } from '../jobs/versions.ts';
import { readRecordFile, walkJson } from './store.ts';

/** A job's grid point: everything in its identity except the protocol and engine versions. */
function gridPoint(spec: JobSpec): string {
  const { protocol: _protocol, engine: _engine, ...point } = spec;
  return canonicalJson(point);
}

/**
 * The planned jobs whose grid point (same task and method versions, hyperparameters, control,
 * sparsity, seed) already has a record made under another protocol or engine version. Their
 * identities differ from those records', so a run makes a current record for each; the stale
 * ones stay where they are.
 */
export function jobsReplacingStaleRecords(resultsDir: string, specs: readonly JobSpec[]): JobSpec[] {
  const staleByDir = new Map<string, Set<string>>();
  const staleIn = (dir: string): Set<string> => {
    let points = staleByDir.get(dir);
    if (!points) {
      points = new Set();
      for (const file of existsSync(dir) ? walkJson(dir) : []) {
        try {
          const record = readRecordFile(file);
          if (staleVersionReason(record.job)) points.add(gridPoint(record.job));
        } catch {
          // an unreadable record is validate's business, not a stale one
        }
      }
      staleByDir.set(dir, points);
    }
    return points;
  };
  return specs.filter((spec) => staleIn(dirname(join(resultsDir, recordRelativePath(spec)))).has(gridPoint(spec)));
}
