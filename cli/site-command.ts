import { resolve } from 'node:path';
import { buildSite } from '../site/build.ts';
import { methodsDir } from '../harness/registry/methods.ts';
import { listSuites, listTasks } from '../harness/registry/suites.ts';

export interface SiteBuildOptions {
  results: string;
  out: string;
  release?: string;
  releases?: boolean;
}

export async function siteBuildCommand(opts: SiteBuildOptions, log: (line: string) => void = console.error): Promise<number> {
  const started = performance.now();
  const result = await buildSite({
    resultsDir: resolve(opts.results),
    methodsDir,
    suites: listSuites(),
    tasks: listTasks(),
    outDir: resolve(opts.out),
    release: opts.release,
    includeReleases: Boolean(opts.releases),
  });
  for (const r of result.rejected) log(`skipping invalid file ${r.path}: ${r.problems.join('; ')}`);
  log(
    `site: ${result.pages.length} pages, ${(result.bytes / 1024).toFixed(0)} KiB in ${resolve(opts.out)} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return 0;
}
