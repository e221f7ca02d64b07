/** Serving a built site under a sub-path and driving Debian's chromium (playwright-core) for the browser tests. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SUB_PATH = '/leaderboard/prunebench/';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.cff': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Serves `dir` under SUB_PATH only, so any link that escapes the sub-path 404s; resolves to the base URL. */
export async function serveSite(dir: string): Promise<{ server: Server; base: string }> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.startsWith(SUB_PATH) ? resolve(root, path.slice(SUB_PATH.length) || 'index.html') : null;
    if (!file || !(file === root || file.startsWith(root + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}${SUB_PATH}` };
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens a page, collecting console errors, page errors, failed requests and HTTP errors. */
export async function openPage(browser: Browser, url: string, width = 1366): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

/** Each plot legend on the page: its labels and the fill colour of each label's symbol, in order. */
export async function plotLegends(page: Page): Promise<Array<{ figure: string; labels: string[]; colors: string[] }>> {
  return page.evaluate(() =>
    [...document.querySelectorAll('figure, [id$="-figure"]')]
      .filter((f) => f.querySelector('.role-legend'))
      .map((f) => ({
        figure: f.id,
        labels: [...f.querySelectorAll('.role-legend .role-legend-label text')].map((t) => t.textContent ?? ''),
        colors: [...f.querySelectorAll('.role-legend .role-legend-symbol path')].map(
          (p) => p.getAttribute('fill') ?? p.getAttribute('stroke') ?? '',
        ),
      })),
  );
}

/** Captions of the data tables on the page that have no body row. */
export async function emptyTables(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('table.data')]
      .filter((t) => t.querySelectorAll('tbody tr').length === 0)
      .map((t) => t.querySelector('caption')?.textContent ?? '(no caption)'),
  );
}
