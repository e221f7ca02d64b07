import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  edgeViolations,
  folderCycles,
  importsOf,
  projectImports,
  siteRuntimeReachesEngine,
  violations,
  type ImportEdge,
} from './layering.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const edges = projectImports(root);
const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });

describe('the layers of the source tree (docs/architecture.md)', () => {
  it('reads every kind of import', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../api/method-api.ts';",
      "import { type C, type D } from './cd.ts';",
      "export { e } from './e.ts';",
      "export type { F } from './f.ts';",
      "const g = await import('./g.ts');",
      "type H = import('./h.ts').H;",
      "import '@tensorflow/tfjs-core';",
    ].join('\n');
    expect(importsOf('harness/run/x.ts', text)).toEqual([
      edge('harness/run/x.ts', 'harness/run/a.ts'),
      edge('harness/run/x.ts', 'harness/api/method-api.ts', true),
      edge('harness/run/x.ts', 'harness/run/cd.ts', true),
      edge('harness/run/x.ts', 'harness/run/e.ts'),
      edge('harness/run/x.ts', 'harness/run/f.ts', true),
      edge('harness/run/x.ts', 'harness/run/g.ts'),
      edge('harness/run/x.ts', 'harness/run/h.ts', true),
      edge('harness/run/x.ts', '@tensorflow/tfjs-core'),
    ]);
  });

  it('found the tree', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.some((e) => e.from.startsWith('methods/') && e.to === 'api/method-api.ts')).toBe(true);
  });

  it('no import crosses a layer the wrong way, and methods import only the API and the kit', () => {
    const found = violations(edges).map((v) => `${v.edge.from} → ${v.edge.to}: ${v.rule}`);
    expect(found).toEqual([]);
  });

  it('the site never loads the engine or tfjs, directly or through what it imports', () => {
    expect(siteRuntimeReachesEngine(edges).map((chain) => chain.join(' → '))).toEqual([]);
  });

  it('no folder-level import cycles (top-level folders and harness/ subfolders)', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  describe('refuses each kind of wrong import', () => {
    it.each([
      ['engine/train.ts', 'api/method-api.ts', false, 'engine may not import the api layer above it'],
      ['engine/train.ts', 'harness/run/runner.ts', false, 'engine may not import the harness layer above it'],
      ['api/method-api.ts', 'engine/network.ts', false, 'the API uses engine types only'],
      ['methods/snip/index.ts', 'engine/network.ts', true, 'a method imports only its own folder'],
      ['methods/snip/index.ts', 'methods/synflow/index.ts', false, 'a method imports only its own folder'],
      ['methods/snip/index.ts', 'harness/prune/mask-selection.ts', false, 'domain may not import the harness layer'],
      ['methods/snip/index.ts', 'node:fs', false, 'a method imports only its own folder'],
      ['suites/tasks/image-tasks.ts', 'harness/run/run-metrics.ts', false, 'domain may not import the harness layer'],
      ['planted/plant.ts', 'suites/registry.ts', false, 'planted tasks import only'],
      ['harness/run/worker.ts', 'suites/registry.ts', false, 'only through harness/registry/'],
      ['cli/run-command.ts', 'methods/snip/index.ts', false, 'only through harness/registry/'],
      ['harness/report/report.ts', 'site/format.ts', false, 'harness may not import the site layer'],
      ['site/build.ts', 'engine/types.ts', true, 'the site never loads the engine'],
      ['site/build.ts', '@tensorflow/tfjs-core', false, 'the site never loads the engine or tfjs'],
      ['site/build.ts', 'cli/main.ts', false, 'site may not import the cli layer'],
      ['harness/run/runner.ts', 'harness/testing/fixtures.ts', false, 'may import test code'],
      ['site/build.ts', 'simple-git', false, 'only harness/git/ talks to git'],
    ])('%s → %s', (from, to, typeOnly, rule) => {
      expect(edgeViolations(edge(from, to, typeOnly)).join('; ')).toContain(rule);
    });

    it('allows what the layers allow', () => {
      for (const [from, to, typeOnly] of [
        ['methods/snip/index.ts', 'methods/snip/lib/score.ts', false],
        ['methods/snip/index.ts', 'api/method-kit/connection-sensitivity.ts', false],
        ['methods/snip/index.ts', '@tensorflow/tfjs-core', false],
        ['methods/snip/snip.test.ts', 'harness/testing/tiny-context.ts', false],
        ['api/method-api.ts', 'engine/types.ts', true],
        ['harness/registry/suites.ts', 'suites/registry.ts', false],
        ['site/load.ts', 'harness/store/record-identity.ts', false],
        ['cli/site-command.ts', 'site/build.ts', false],
      ] as const) {
        expect(edgeViolations(edge(from, to, typeOnly))).toEqual([]);
      }
    });

    it('finds a site chain to the engine through the harness', () => {
      const chains = siteRuntimeReachesEngine([
        edge('site/build.ts', 'harness/aggregate/aggregate.ts'),
        edge('harness/aggregate/aggregate.ts', 'engine/rng.ts'),
        edge('site/pages/home.ts', 'engine/types.ts', true),
      ]);
      expect(chains).toEqual([['site/build.ts', 'harness/aggregate/aggregate.ts', 'engine/rng.ts']]);
    });

    it('finds a folder cycle', () => {
      const cycles = folderCycles([
        edge('harness/run/a.ts', 'harness/store/b.ts'),
        edge('harness/store/b.ts', 'harness/run/c.ts'),
        edge('site/x.ts', 'harness/run/a.ts'),
      ]);
      expect(cycles).toEqual([['harness/run', 'harness/store']]);
    });
  });
});
