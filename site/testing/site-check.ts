/**
 * Checks over built pages, for tests: internal links that resolve to no file (or no element id),
 * duplicate element ids, and the tables as text. Reads only markup this builder writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === '#')
      return String.fromCodePoint(code[1].toLowerCase() === 'x' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10));
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

function stripTags(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ''));
}

/** href and src values of a page, decoded. */
export function linkTargets(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => decodeEntities(m[1]));
}

export function elementIds(html: string): string[] {
  return [...html.matchAll(/\sid="([^"]*)"/g)].map((m) => decodeEntities(m[1]));
}

export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

export interface BrokenLink {
  page: string;
  target: string;
  problem: string;
}

/** Internal links of `pages` (paths relative to `siteDir`) that do not resolve. */
export function brokenLinks(siteDir: string, pages: readonly string[]): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const idCache = new Map<string, Set<string>>();
  const idsOf = (file: string) => {
    let ids = idCache.get(file);
    if (!ids) idCache.set(file, (ids = new Set(elementIds(readFileSync(file, 'utf8')))));
    return ids;
  };
  for (const page of pages) {
    const file = join(siteDir, page);
    const html = readFileSync(file, 'utf8');
    for (const target of linkTargets(html)) {
      if (isExternal(target)) continue;
      if (target.startsWith('/')) {
        broken.push({ page, target, problem: 'absolute path: breaks under a sub-path and file://' });
        continue;
      }
      const [pathPart, fragment] = target.split('#');
      const resolved = pathPart === '' ? file : resolve(dirname(file), pathPart.split('?')[0]);
      if (!resolved.startsWith(resolve(siteDir))) {
        broken.push({ page, target, problem: 'points outside the site' });
      } else if (!existsSync(resolved)) {
        broken.push({ page, target, problem: 'no such file' });
      } else if (fragment && resolved.endsWith('.html') && !idsOf(resolved).has(fragment)) {
        broken.push({ page, target, problem: `no element with id '${fragment}'` });
      }
    }
  }
  return broken;
}

export function duplicateIds(html: string): string[] {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const id of elementIds(html)) (seen.has(id) ? dupes : seen).add(id);
  return [...dupes];
}

export interface PageTable {
  id: string;
  caption: string;
  headers: string[];
  ariaSort: Array<string | null>;
  /** Cell values as shown (the `.v` element's text, without marks). */
  rows: string[][];
  csvHref: string;
  jsonHref: string;
}

/** The tables the builder wrote into a page, as text. */
export function pageTables(html: string): PageTable[] {
  const tables: PageTable[] = [];
  for (const block of html.matchAll(/<div class="table-block" id="([^"]*)">([\s\S]*?)<p class="downloads">([\s\S]*?)<\/p>/g)) {
    const [, id, body, downloads] = block;
    const caption = stripTags(/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(body)?.[1] ?? '');
    const headRows = [...(/<thead>([\s\S]*?)<\/thead>/.exec(body)?.[1] ?? '').matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)];
    const headerCells = [...(headRows[headRows.length - 1]?.[1] ?? '').matchAll(/<th([^>]*)>([\s\S]*?)<\/th>/g)];
    const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
    const rows = [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((tr) =>
      [...tr[1].matchAll(/<(td|th)[^>]*>([\s\S]*?)<\/\1>/g)].map((cell) =>
        stripTags(/class="v"[^>]*>([\s\S]*?)<\/(?:span|a)>/.exec(cell[2])?.[1] ?? ''),
      ),
    );
    const hrefs = [...downloads.matchAll(/href="([^"]*)"/g)].map((m) => decodeEntities(m[1]));
    tables.push({
      id: decodeEntities(id),
      caption,
      headers: headerCells.map((h) => stripTags(h[2])),
      ariaSort: headerCells.map((h) => /aria-sort="([^"]*)"/.exec(h[1])?.[1] ?? null),
      rows,
      csvHref: hrefs.find((h) => h.endsWith('.csv')) ?? '',
      jsonHref: hrefs.find((h) => h.endsWith('.json')) ?? '',
    });
  }
  return tables;
}
