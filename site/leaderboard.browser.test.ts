/**
 * The leaderboard as a researcher reads it, in Debian's chromium: a site built from the committed
 * records and one built from a fresh (reduced) quick run. Every ranked task shows a leader, every
 * task page states its scale, plot legends have unique labels, a method keeps its colour when
 * another method is added, no table is empty, and the paper reproductions have their pages.
 * Screenshots go to artifacts/screenshots/.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRecord } from '../harness/testing/record-factory.ts';
import { currentVersions } from '../harness/jobs/versions.ts';
import { methodIds } from '../harness/registry/methods.ts';
import { projectRoot, prunebench } from '../tests/cli-helpers.ts';
import { CHROMIUM, emptyTables, launchChromium, openPage, plotLegends, serveSite } from './testing/browser-kit.ts';
import { buildSite } from './build.ts';
import { listSuites, listTasks } from '../suites/registry.ts';
import { writeRecords } from './testing/synthetic.ts';

const screenshotDir = fileURLToPath(new URL('../artifacts/screenshots/', import.meta.url));
const methodsDir = join(projectRoot, 'methods');
const registered = new Set(methodIds());

interface BuiltSite {
  out: string;
  pages: string[];
  server: Server;
  base: string;
}

async function build(resultsDir: string, out: string): Promise<BuiltSite> {
  const { pages } = await buildSite({ resultsDir, methodsDir, outDir: out, suites: listSuites(), tasks: listTasks() });
  const { server, base } = await serveSite(out);
  return { out, pages, server, base };
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, name), fullPage: true });
}

/** The rank text of the ranking table's rows and whether the home page names a leader for it. */
async function rankingOf(page: Page): Promise<string[]> {
  return page.locator('#ranking table tbody tr td:first-child, #ranking table tbody tr th:first-child').allTextContents();
}

async function checkTaskPages(browser: Browser, site: BuiltSite, screenshot: string): Promise<{ ranked: number; unranked: number }> {
  let ranked = 0;
  let unranked = 0;
  const taskPages = site.pages.filter((p) => p.startsWith('tasks/'));
  expect(taskPages.length).toBeGreaterThan(0);
  for (const path of taskPages) {
    const { page, problems } = await openPage(browser, site.base + path);
    expect({ path, problems }).toEqual({ path, problems: [] });
    // Scale, next to the dense accuracy.
    const facts = Object.fromEntries(
      await page
        .locator('main > dl.facts .fact')
        .evaluateAll((els) => els.map((e) => [e.querySelector('dt')?.textContent ?? '', e.querySelector('dd')?.textContent ?? ''])),
    );
    expect(facts['Training set'], path).toMatch(/^\d[\d,]* .*(images|samples)$/);
    expect(facts['Validation set'], path).toMatch(/^\d[\d,]* (images|samples)$/);
    expect(facts['Test set'], path).toMatch(/^\d[\d,]* (images|samples)$/);
    expect(facts.Epochs, path).toMatch(/^\d+ epochs?/);
    expect(facts.Recipe, path).toMatch(/lr .*batch \d+/);
    // A leader wherever anything is ranked; otherwise the page says why and where it is ranked.
    const ranks = await rankingOf(page);
    if (ranks.some((r) => r !== '—')) {
      ranked++;
      expect(ranks[0], path).toMatch(/^=?1$/);
    } else {
      unranked++;
      expect(await page.locator('p.warning', { hasText: "No method covers this task's leaderboard grid" }).count(), path).toBe(1);
    }
    // Legends: short, unique labels (method ids).
    for (const legend of await plotLegends(page)) {
      expect(new Set(legend.labels).size, `${path} ${legend.figure}`).toBe(legend.labels.length);
      for (const label of legend.labels) expect(registered.has(label), `${path} ${legend.figure}: ${label}`).toBe(true);
    }
    expect({ path, empty: await emptyTables(page) }).toEqual({ path, empty: [] });
    if (path === screenshot) await shot(page, path.replace('tasks/', 'task-').replace('.html', '.png'));
    await page.close();
  }
  return { ranked, unranked };
}

describe.skipIf(!existsSync(CHROMIUM))(`the leaderboard as a researcher reads it (needs ${CHROMIUM}: apt-get install chromium)`, () => {
  const work = mkdtempSync(join(tmpdir(), 'prunebench-leaderboard-'));
  let browser: Browser;
  let committed: BuiltSite;
  let withNewMethod: BuiltSite;
  let quick: BuiltSite;

  beforeAll(async () => {
    browser = await launchChromium();
    committed = await build(join(projectRoot, 'results'), join(work, 'committed-site'));

    // The committed records plus a new method whose id sorts first: nobody else's colour may move.
    // Its records are of the current protocol and engine, as the task's newest records are (older ones are left out).
    const versions = currentVersions();
    const extended = join(work, 'extended-results');
    cpSync(join(projectRoot, 'results'), extended, { recursive: true });
    writeRecords(
      extended,
      [0.9, 0.98, 0.99].flatMap((sparsity) =>
        [0, 1, 2].map((seed) =>
          makeRecord({ task: 'mnist-lenet300', method: 'aaa-new-method', sparsity, seed, denseAccuracy: 0.95, accuracy: 0.9, ...versions }),
        ),
      ),
    );
    withNewMethod = await build(extended, join(work, 'extended-site'));

    // A fresh quick run (two of its methods, so the test stays short), in its own results folder.
    const results = join(work, 'quick-results');
    const run = prunebench([
      'run',
      '--suite',
      'quick',
      '--methods',
      'magnitude-global,lamp',
      '--workers',
      '2',
      '--results',
      results,
      '--cache',
      join(work, 'cache'),
      '--no-progress',
    ]);
    expect(run.code, run.stderr).toBe(0);
    quick = await build(results, join(work, 'quick-site'));
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    for (const site of [committed, withNewMethod, quick]) await new Promise((done) => (site ? site.server.close(done) : done(undefined)));
    rmSync(work, { recursive: true, force: true });
  });

  it('committed records: every ranked task shows a leader and every task page states its scale; legends are unique; no empty table', async () => {
    const { ranked } = await checkTaskPages(browser, committed, 'tasks/mnist-lenet300-small-v1.html');
    expect(ranked).toBeGreaterThan(0);
    // Where papers report numbers for a task, they stand next to ours.
    const { page: task } = await openPage(browser, `${committed.base}tasks/mnist-lenet300-small-v1.html`);
    expect(await task.locator('#paper-numbers table thead tr:last-child th').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Reported/), expect.stringMatching(/^Measured here/)]),
    );
    expect(await task.locator('#paper-numbers table tbody tr').count()).toBeGreaterThan(5);
    await task.close();
    const { page, problems } = await openPage(browser, `${committed.base}index.html`);
    expect(problems).toEqual([]);
    const tasks = await page.locator('.family .task-list li').allTextContents();
    expect(tasks.length).toBeGreaterThan(0);
    for (const line of tasks)
      expect(line).toMatch(/Scale: \d[\d,]* .* to train, \d[\d,]* .* validation, \d[\d,]* .* test; \d+ epochs?; .*; dense (accuracy|MSE) /);
    // Smoke tasks are no part of the leaderboard; other suites sit behind a labelled link.
    expect(tasks.join('\n')).not.toMatch(/tiny/);
    expect(await page.locator('#other-suites-title').textContent()).toBe('Other suites — not the leaderboard');
    expect(await page.locator('p.warning', { hasText: 'No method covers a leaderboard grid' }).count()).toBe(0);
    await shot(page, 'home.png');
    await page.close();
    // No page has an empty table or a console error.
    for (const path of committed.pages) {
      const { page: each, problems: eachProblems } = await openPage(browser, committed.base + path);
      expect({ path, problems: eachProblems, empty: await emptyTables(each) }).toEqual({ path, problems: [], empty: [] });
      await each.close();
    }
  }, 300_000);

  it("keeps every method's colour when another method is added", async () => {
    const path = 'tasks/mnist-lenet300-v1.html';
    const colours = async (site: BuiltSite) => {
      const { page } = await openPage(browser, site.base + path);
      const legend = (await plotLegends(page)).find((l) => l.figure === 'accuracy-figure')!;
      await page.close();
      return new Map(legend.labels.map((label, i) => [label, legend.colors[i]] as const));
    };
    const before = await colours(committed);
    const after = await colours(withNewMethod);
    expect(after.has('aaa-new-method')).toBe(true);
    expect(before.size).toBeGreaterThan(5);
    for (const [method, colour] of before) expect({ method, colour: after.get(method) }).toEqual({ method, colour });
  }, 120_000);

  it('has a page per paper reproduction: claims, reported against measured, gap, verdict and scale', async () => {
    const { page, problems } = await openPage(browser, `${committed.base}reproductions.html`);
    expect(problems).toEqual([]);
    const links = await page
      .locator('#reproductions table tbody tr th a')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    // One page per committed reproduction file (the five papers, and the full-data variants once they have run).
    const committedReproductions = readdirSync(join(projectRoot, 'results', 'reproductions')).filter((n) => n.endsWith('.json'));
    expect(committedReproductions.length).toBeGreaterThanOrEqual(5);
    expect(links).toHaveLength(committedReproductions.length);
    await page.close();
    for (const link of links) {
      const { page: paper, problems: paperProblems } = await openPage(browser, link);
      expect(paperProblems).toEqual([]);
      const headers = await paper.locator('#claims table thead tr:last-child th').allTextContents();
      for (const h of ['Reported', 'Measured here', 'Gap', 'Verdict']) expect(headers.join('|')).toContain(h);
      expect(await paper.locator('#claims table tbody tr').count()).toBeGreaterThan(0);
      expect(await paper.locator('text=Scaled down here.').count()).toBe(1);
      expect(await paper.locator('.fact dt', { hasText: 'Training set' }).count()).toBeGreaterThan(0);
      expect(await emptyTables(paper)).toEqual([]);
      if (link.endsWith('frankle2019.html')) await shot(paper, 'reproduction-frankle2019.png');
      await paper.close();
    }
  }, 120_000);

  it('a fresh quick run: the quick suite ranks every task with a leader; task pages state their scale and point to it', async () => {
    const { unranked } = await checkTaskPages(browser, quick, 'tasks/planted-circle-d5-w100-v1.html');
    // Quick covers no leaderboard grid: its tasks are unranked on the leaderboard, and say where they are ranked.
    expect(unranked).toBe(3);
    const { page: task } = await openPage(browser, `${quick.base}tasks/mnist-lenet300-small-v1.html`);
    expect(await task.locator('p.warning a', { hasText: 'quick' }).count()).toBe(1);
    await task.close();
    const { page, problems } = await openPage(browser, `${quick.base}suites/quick.html`);
    expect(problems).toEqual([]);
    const sections = await page.locator('main section').evaluateAll((ss) =>
      ss.map((s) => ({
        leader: s.querySelector('p.muted')?.textContent ?? '',
        first: s.querySelector('tbody tr')?.querySelector('td, th')?.textContent ?? '',
      })),
    );
    expect(sections).toHaveLength(3);
    for (const s of sections) {
      expect(s.leader).toMatch(/Scale: .*Leader: (Global magnitude|LAMP|Magnitude|Layer-adaptive)/i);
      expect(s.first).toBe('1');
    }
    expect(await emptyTables(page)).toEqual([]);
    await shot(page, 'quick-suite.png');
    await page.close();
    const { page: home } = await openPage(browser, `${quick.base}index.html`);
    expect(await home.locator('.other-suites a', { hasText: 'Suite quick' }).count()).toBe(1);
    // Nothing ranks on the leaderboard grids here, and the home page says so instead of showing dashes only.
    expect(await home.locator('p.warning', { hasText: 'No method covers a leaderboard grid' }).count()).toBe(1);
    await shot(home, 'quick-home.png');
    await home.close();
  }, 600_000);
});
