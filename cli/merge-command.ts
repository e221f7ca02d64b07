import { resolve } from 'node:path';
import { currentSourceHashes, jobState } from '../harness/run/job-done.ts';
import { mergeResults } from '../harness/store/merge.ts';
import { ResultStore } from '../harness/store/store.ts';

export interface MergeOptions {
  results: string;
}

const LISTED = 20;

/** `prunebench merge SOURCES… --results DIR`: exit 0, or 1 when some source file is not a valid record (the valid ones are merged). */
export async function mergeCommand(
  sources: string[],
  opts: MergeOptions,
  print: (line: string) => void = console.log,
  log: (line: string) => void = console.error,
): Promise<number> {
  const target = new ResultStore(resolve(opts.results));
  const currentSourceHash = currentSourceHashes();
  const report = mergeResults(
    sources.map((s) => resolve(s)),
    target,
    (record) => jobState(record.job, record, currentSourceHash) === 'stale',
  );
  const list = (title: string, paths: string[]) => {
    if (!paths.length) return;
    print(`${title}:`);
    for (const p of paths.slice(0, LISTED)) print(`  ${p}`);
    if (paths.length > LISTED) print(`  … and ${paths.length - LISTED} more`);
  };
  list('replaced (the record there was stale, failed or unreadable)', report.replaced);
  list('kept the finished record there, though the incoming one has other metrics', report.differingMetrics);
  list("left out (stale: the method's code changed since it was made)", report.staleSkipped);
  for (const e of report.invalid) log(`invalid: ${e.message}`);
  print(
    `merged into ${target.dir}: ${report.added.length} added, ${report.replaced.length} replaced, ${report.identical} identical, ${report.kept} kept, ${report.staleSkipped.length} stale left out, ${report.invalid.length} invalid`,
  );
  return report.invalid.length ? 1 : 0;
}
