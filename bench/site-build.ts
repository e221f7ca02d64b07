/**
 * Site build benchmark: ~10,000 synthetic records (14 tasks × 20 methods × 6 sparsities × 3 seeds,
 * plus 3 controls per method at 2 sparsities, plus dense references), built into a temporary
 * directory. Prints the build time and the home page's size. Run: npx tsx site/bench.ts
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSite } from '../site/build.ts';
import { listSuites, listTasks } from '../suites/registry.ts';
import { syntheticManifest, syntheticRecords, writeManifests, writeRecords, type SyntheticTask } from '../site/testing/synthetic.ts';

const TASKS: SyntheticTask[] = [
  ...['mnist-lenet300', 'mnist-lenet5', 'fashion-lenet300', 'fashion-lenet5', 'cifar10-conv4'].map((id) => ({
    id,
    denseAccuracy: id.startsWith('cifar') ? 0.71 : 0.95,
  })),
  ...['circle-d5', 'circle-d3', 'circle-d10', 'circle-noise0-d5', 'circle-noise10-d5', 'circle-noise30-d5', 'disparity-d5'].map((id) => ({
    id: `planted-${id}-w100`,
    planted: true,
  })),
  ...['relu-d5', 'helix-d5'].map((id) => ({ id: `planted-${id}-w100`, planted: true, kind: 'regression' as const })),
];
const METHODS = Array.from({ length: 20 }, (_, i) => `method-${String(i + 1).padStart(2, '0')}`);

export interface SiteBenchResult {
  records: number;
  buildSeconds: number;
  pages: number;
  totalBytes: number;
  homePageBytes: number;
}

export async function benchSite(): Promise<void> {
  const result = await measureSiteBuild();
  console.log(
    `site build: ${result.records} records → ${result.pages} pages, ${(result.totalBytes / 1e6).toFixed(1)} MB in ${result.buildSeconds.toFixed(2)} s`,
  );
  console.log(`home page: ${result.homePageBytes} bytes (${(result.homePageBytes / 1024).toFixed(1)} KiB)`);
}

export async function measureSiteBuild(): Promise<SiteBenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'prunebench-site-bench-'));
  try {
    const records = syntheticRecords({
      tasks: TASKS,
      methods: METHODS,
      controls: ['shuffled', 'reinit', 'inverted'],
      failEvery: 211,
      seed: 7,
    });
    writeRecords(join(work, 'results'), records);
    writeManifests(
      join(work, 'methods'),
      METHODS.map((id) => syntheticManifest(id)),
    );
    const started = performance.now();
    const built = await buildSite({
      resultsDir: join(work, 'results'),
      methodsDir: join(work, 'methods'),
      outDir: join(work, 'site'),
      suites: listSuites(),
      tasks: listTasks(),
    });
    const buildSeconds = (performance.now() - started) / 1000;
    return {
      records: records.length,
      buildSeconds,
      pages: built.pages.length,
      totalBytes: built.bytes,
      homePageBytes: statSync(join(work, 'site', 'index.html')).size,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchSite();
}
