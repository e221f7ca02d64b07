/**
 * The structured section in a real browser (Debian chromium via playwright-core), on records the
 * command line makes: the structured-smoke suite (neuron and 2:4 on the tiny MNIST subset and the
 * tiny planted Circle). The structured page and every track page load without console errors,
 * their plots render with a point per entry, and a screenshot of a track page is saved.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from './build.ts';
import { CHROMIUM, emptyTables, launchChromium, openPage, plotLegends, serveSite } from './testing/browser-kit.ts';
import { listSuites, listTasks } from '../suites/registry.ts';
import { prunebench, projectRoot } from '../tests/cli-helpers.ts';

const screenshotDir = fileURLToPath(new URL('../artifacts/screenshots/', import.meta.url));

const TRACKS = [
  'structured/mnist-lenet300-tiny-v1-2-4.html',
  'structured/mnist-lenet300-tiny-v1-neuron.html',
  'structured/planted-circle-tiny-v1-2-4.html',
  'structured/planted-circle-tiny-v1-neuron.html',
];

describe.skipIf(!existsSync(CHROMIUM))(`the structured section in a browser (needs ${CHROMIUM}: apt-get install chromium)`, () => {
  const work = mkdtempSync(join(tmpdir(), 'prunebench-structured-browser-'));
  const out = join(work, 'site');
  let pages: string[] = [];
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const results = join(work, 'results');
    const run = prunebench([
      'run',
      '--suite',
      'structured-smoke',
      '--workers',
      '2',
      '--results',
      results,
      '--cache',
      join(work, 'cache'),
      '--no-progress',
    ]);
    expect(run.code, run.stderr).toBe(0);
    ({ pages } = await buildSite({
      resultsDir: results,
      methodsDir: join(projectRoot, 'methods'),
      outDir: out,
      suites: listSuites(),
      tasks: listTasks(),
    }));
    ({ server, base } = await serveSite(out));
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    rmSync(work, { recursive: true, force: true });
  });

  const open = (path: string): Promise<{ page: Page; problems: string[] }> => openPage(browser, base + path);
  /** Per plot on the page: its figure id and how many points its layer of points drew. */
  const plots = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('figure.figure')].map((f) => ({
        id: f.id,
        svg: f.querySelectorAll('svg.plot').length,
        points: f.querySelectorAll('.mark-symbol.role-mark path').length,
      })),
    );

  it('lists every structured track, linked from the home page, with working links', async () => {
    expect(pages.filter((p) => p.startsWith('structured/')).sort()).toEqual(TRACKS);
    const home = await open('index.html');
    expect(home.problems).toEqual([]);
    expect(await home.page.locator('a[href="structured.html"]').count()).toBeGreaterThanOrEqual(2); // the nav and the section
    await home.page.close();

    const { page, problems } = await open('structured.html');
    expect(problems).toEqual([]);
    const rows = page.locator('#tracks table tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await rows.locator('th').allTextContents()).toEqual([
      'mnist-lenet300-tiny v1',
      'mnist-lenet300-tiny v1',
      'planted-circle-tiny v1',
      'planted-circle-tiny v1',
    ]);
    expect(await page.locator('p.warning', { hasText: 'N:M tracks have no speed-up' }).count()).toBe(1);
    const links = await page.locator('#tracks table tbody th a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const link of links) expect({ link, status: (await page.request.get(link)).status() }).toEqual({ link, status: 200 });
    expect(await emptyTables(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('renders the speed-up and MACs plots of a neuron track, and the planted-unit recovery of the planted one', async () => {
    for (const path of ['structured/mnist-lenet300-tiny-v1-neuron.html', 'structured/planted-circle-tiny-v1-neuron.html']) {
      const { page, problems } = await open(path);
      expect({ path, problems }).toEqual({ path, problems: [] });
      const planted = path.includes('planted');
      const figures = await plots(page);
      expect(figures.map((f) => f.id)).toEqual(['speedup-figure', 'macs-figure', ...(planted ? ['unit-recovery-figure'] : [])]);
      for (const f of figures) expect(f.svg, f.id).toBe(1);
      // One method at one unit ratio: a point in each trade-off plot, ringed on the speed-up one (the front).
      expect(figures[0].points).toBe(1 + 1);
      expect(figures[1].points).toBe(1);
      const legends = await plotLegends(page);
      for (const l of legends) expect(l.labels, l.figure).toEqual(['neuron-l1']);
      expect(await page.locator('#ratio-50 tbody tr th .mark-frontier').count()).toBe(1);
      expect(await emptyTables(page)).toEqual([]);
      if (planted) {
        const recall = await page.locator('#unit-recovery-data tbody tr td').nth(2).textContent();
        expect(recall).toMatch(/^\d+\.\d\d ± n\/a$/);
        mkdirSync(screenshotDir, { recursive: true });
        await page.screenshot({ path: join(screenshotDir, 'structured-track.png'), fullPage: true });
        expect(statSync(join(screenshotDir, 'structured-track.png')).size).toBeGreaterThan(20_000);
      }
      await page.close();
    }
  }, 60_000);

  it('renders the MACs plot of an N:M track and says that no backend here accelerates it', async () => {
    const { page, problems } = await open('structured/mnist-lenet300-tiny-v1-2-4.html');
    expect(problems).toEqual([]);
    const figures = await plots(page);
    expect(figures.map((f) => [f.id, f.svg, f.points])).toEqual([['macs-figure', 1, 1]]);
    expect(await page.locator('p.warning', { hasText: 'no backend here accelerates 2:4 sparsity' }).count()).toBe(1);
    expect(await page.locator('#ratio-50 thead th', { hasText: 'Speed-up' }).count()).toBe(0);
    await page.close();
  }, 60_000);
});
