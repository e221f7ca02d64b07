/**
 * The built site in a real browser (Debian chromium via playwright-core): every page loads without
 * console errors, every internal link resolves, tables sort by clicking their headers, and the site
 * works under a sub-path and from file://. Saves a screenshot of a task page.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from './build.ts';
import { CHROMIUM, launchChromium, openPage, serveSite } from './testing/browser-kit.ts';
import { listSuites, listTasks } from '../suites/registry.ts';
import { syntheticManifest, syntheticRecords, writeManifests, writeRecords, writeReleaseFile } from './testing/synthetic.ts';
import { prunebench } from '../tests/cli-helpers.ts';

const screenshotDir = fileURLToPath(new URL('../artifacts/screenshots/', import.meta.url));

describe.skipIf(!existsSync(CHROMIUM))(`site in a browser (needs ${CHROMIUM}: apt-get install chromium)`, () => {
  const work = mkdtempSync(join(tmpdir(), 'prunebench-browser-'));
  const out = join(work, 'site');
  let pages: string[] = [];
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const results = join(work, 'results');
    const methods = join(work, 'methods');
    writeRecords(
      results,
      syntheticRecords({
        tasks: [
          { id: 'mnist-lenet300', denseAccuracy: 0.982 },
          { id: 'fashion-lenet300', denseAccuracy: 0.894 },
          { id: 'planted-circle-d5-w100', planted: true, denseAccuracy: 0.962 },
          { id: 'planted-relu-d5-w100', planted: true, kind: 'regression' },
        ],
        methods: ['magnitude-global', 'random', 'snip', 'synflow', 'lamp'],
        controls: ['shuffled', 'inverted'],
        failEvery: 101,
        incompleteMethods: ['lamp'],
      }),
    );
    // Real records too: the smoke suite, run by the command line, lands next to the synthetic ones.
    const smoke = prunebench([
      'run',
      '--suite',
      'smoke',
      '--workers',
      '2',
      '--results',
      results,
      '--cache',
      join(work, 'cache'),
      '--no-progress',
    ]);
    expect(smoke.code, smoke.stderr).toBe(0);
    // A release freezing all of them, as `prunebench release` writes it.
    writeReleaseFile(results, {
      release: 'v0.1.0',
      date: '2026-12-06',
      commit: 'c'.repeat(40),
      suites: [{ id: 'standard', version: '2', jobs: 3840 }],
    });
    writeManifests(methods, [
      syntheticManifest('magnitude-global', { name: 'Global magnitude' }),
      syntheticManifest('snip', { name: 'SNIP' }),
      syntheticManifest('synflow', { name: 'SynFlow', when: 'init', needs: [] }),
      syntheticManifest('random', { name: 'Random' }),
      syntheticManifest('lamp', { name: 'LAMP' }),
    ]);
    ({ pages } = await buildSite({ resultsDir: results, methodsDir: methods, outDir: out, suites: listSuites(), tasks: listTasks() }));
    ({ server, base } = await serveSite(out));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    rmSync(work, { recursive: true, force: true });
  });

  const open = (url: string): Promise<{ page: Page; problems: string[] }> => openPage(browser, url);

  it('opens every page without console errors, with its tables, and every internal link resolves', async () => {
    // No reproduction or structured records here, so the reproductions and structured pages have no table, and the
    // structured suites' pages say that only their tasks' dense references have run; so do the full-data paper
    // suites whose grids (magnitude-global at 12×, imp at the paper's Pm) the synthetic records leave out.
    const noTables = [
      'suites/paper-han2015-full.html',
      'suites/paper-frankle2019-full.html',
      'cite.html',
      'changelog.html',
      'rejected.html',
      'reproductions.html',
      'structured.html',
      'suites/structured.html',
      'suites/structured-smoke.html',
    ];
    const pagesWithTables = pages.filter((p) => !noTables.includes(p));
    const checked = new Map<string, number>();
    for (const path of pages) {
      const { page, problems } = await open(base + path);
      expect({ path, problems }).toEqual({ path, problems: [] });
      if (pagesWithTables.includes(path))
        expect({ path, tables: (await page.locator('table.data').count()) > 0 }).toEqual({ path, tables: true });
      // the enhancement script ran
      if (pagesWithTables.includes(path)) expect(await page.locator('table.data th .sort-button').count()).toBeGreaterThan(0);
      const targets = await page.evaluate(() =>
        [...document.querySelectorAll('a[href], link[href], script[src]')].map(
          (e) => (e as HTMLAnchorElement).href || (e as HTMLScriptElement).src,
        ),
      );
      for (const target of targets) {
        const url = new URL(target);
        if (url.origin !== new URL(base).origin) continue;
        const key = url.origin + url.pathname;
        if (!checked.has(key)) checked.set(key, (await page.request.get(key)).status());
        expect({ from: path, target: key, status: checked.get(key) }).toEqual({ from: path, target: key, status: 200 });
        if (url.hash && url.pathname.endsWith('.html')) {
          const id = decodeURIComponent(url.hash.slice(1));
          const there = url.pathname === new URL(page.url()).pathname ? page : null;
          if (there) expect({ from: path, id, found: await there.locator(`[id="${id}"]`).count() }).toEqual({ from: path, id, found: 1 });
        }
      }
      await page.close();
    }
    expect(checked.size).toBeGreaterThan(pages.length);
  }, 180_000);

  it('sorts a table by clicking a header and updates aria-sort', async () => {
    const { page, problems } = await open(`${base}tasks/mnist-lenet300-v1.html`);
    const table = page.locator('#ranking table');
    const headers = table.locator('thead tr:last-child th');
    const rankHeader = headers.nth(0);
    const scoreHeader = headers.filter({ hasText: 'Score' });
    expect(await rankHeader.getAttribute('aria-sort')).toBe('ascending');
    const methodsBefore = await table.locator('tbody tr th').allTextContents();
    const scores = async () =>
      (
        await table
          .locator('tbody tr')
          .evaluateAll((rows) => rows.map((r) => (r as HTMLTableRowElement).cells[2].getAttribute('data-sort') ?? ''))
      )
        .filter((v) => v !== '')
        .map(Number);

    await scoreHeader.locator('button').click();
    expect(await scoreHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(await rankHeader.getAttribute('aria-sort')).toBeNull();
    const ascending = await scores();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    expect(await table.locator('tbody tr th').allTextContents()).not.toEqual(methodsBefore);

    await scoreHeader.locator('button').click();
    expect(await scoreHeader.getAttribute('aria-sort')).toBe('descending');
    const descending = await scores();
    expect(descending).toEqual([...ascending].reverse());

    await rankHeader.locator('button').click();
    expect(await rankHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(await table.locator('tbody tr th').allTextContents()).toEqual(methodsBefore);
    expect(problems).toEqual([]);

    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'task.png'), fullPage: true });
    expect(statSync(join(screenshotDir, 'task.png')).size).toBeGreaterThan(20_000);
    await page.close();
  }, 60_000);

  it("renders the smoke suite's real records on the smoke suite's page, not the leaderboard, and a screenshot", async () => {
    expect(pages).not.toContain('tasks/mnist-lenet300-tiny-v1.html');
    expect(pages).toContain('suites/smoke.html');
    const { page, problems } = await open(`${base}suites/smoke.html`);
    expect(problems).toEqual([]);
    // Two tasks, two methods each, ranked over the smoke grid.
    expect(await page.locator('main section table tbody tr').count()).toBe(4);
    expect(await page.locator('main section table tbody tr td:first-child').allTextContents()).toEqual(['1', '2', '1', '2']);
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'smoke-task.png'), fullPage: true });
    expect(statSync(join(screenshotDir, 'smoke-task.png')).size).toBeGreaterThan(20_000);
    await page.close();
  }, 60_000);

  it('shows the current release on the home page and its page lists its records, sortable, behind a disclosure', async () => {
    expect(pages).toEqual(expect.arrayContaining(['releases.html', 'releases/v0.1.0.html']));
    const { page, problems } = await open(`${base}index.html`);
    await page.locator('.current-release a', { hasText: 'v0.1.0' }).click();
    expect(page.url()).toMatch(/\/releases\/v0\.1\.0\.html$/);
    expect(await page.locator('h1').textContent()).toBe('Release v0.1.0 current');
    const records = page.locator('#records table');
    expect(await records.isVisible()).toBe(false);
    await page.locator('details.records summary').click();
    expect(await records.isVisible()).toBe(true);
    const idHeader = records.locator('thead tr:last-child th', { hasText: 'Record id' });
    const byPath = await records.locator('tbody tr th').allTextContents();
    await idHeader.locator('button').click();
    expect(await idHeader.getAttribute('aria-sort')).toBe('ascending');
    const ids = await records.locator('tbody tr th').allTextContents();
    expect(ids.length).toBeGreaterThan(10);
    // The script's order: natural (digit runs compare as numbers), as for every text column.
    expect(ids).toEqual([...byPath].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' })));
    expect(ids).not.toEqual(byPath);
    expect(await page.locator('pre.bibtex').textContent()).toContain('@misc{prunebench_v0_1_0');
    expect(problems).toEqual([]);
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'release.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('works from file:// with its styles and script', async () => {
    const { page, problems } = await open(pathToFileURL(join(out, 'tasks', 'planted-circle-d5-w100-v1.html')).href);
    expect(problems).toEqual([]);
    const background = await page.locator('.site-header').evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(background).toBe('rgb(17, 42, 70)');
    expect(await page.locator('table.data th .sort-button').count()).toBeGreaterThan(0);
    await page.locator('a', { hasText: 'Methods' }).first().click();
    expect(page.url()).toMatch(/\/methods\.html$/);
    expect(await page.locator('table.data').count()).toBe(1);
    await page.close();
  }, 60_000);
});
