/**
 * `prunebench cite`: the citation of the software (CITATION.cff), of a leaderboard release (a vX.Y.Z
 * git tag: its CITATION.cff, commit and date), and the papers of the methods that have records in
 * that release (or in the results directory when no release is named), as BibTeX or CFF.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit, type SimpleGit } from 'simple-git';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import { methodsDir as defaultMethodsDir } from '../harness/registry/methods.ts';
import type { MethodManifest } from '../api/method-api.ts';
import { readReleaseFile, releaseFilePath } from '../harness/release/release.ts';
import { expandVariants } from '../api/method-variants.ts';

const RELEASE_TAG = /^v(\d+)\.(\d+)\.(\d+)$/;
export const defaultCitationFile = fileURLToPath(new URL('../CITATION.cff', import.meta.url));

export interface CiteOptions {
  release?: string;
  format: string;
  results: string;
  methodsDir?: string;
  citationFile?: string;
}

interface Cff {
  title: string;
  authors: Array<{ name?: string; 'family-names'?: string; 'given-names'?: string }>;
  version?: string | number;
  'date-released'?: string | Date;
  license?: string;
  url?: string;
  'repository-code'?: string;
  doi?: string;
  [key: string]: unknown;
}

interface Release {
  tag: string;
  commit: string;
  /** YYYY-MM-DD of the tagged commit, or the release file's date. */
  date: string;
  /** Read from results/releases/<tag>.json rather than from a git tag. */
  fromFile?: boolean;
}

interface MethodPaper {
  id: string;
  manifest: MethodManifest | null;
}

class CiteError extends Error {}

async function repositoryOf(dir: string): Promise<{ git: SimpleGit; root: string } | null> {
  let existing = resolve(dir);
  while (!existsSync(existing)) existing = resolve(existing, '..');
  const git = simpleGit(existing);
  if (!(await git.checkIsRepo().catch(() => false))) return null;
  const root = realpathSync((await git.revparse(['--show-toplevel'])).trim());
  return { git: simpleGit(root), root };
}

function repoRelative(root: string, path: string): string {
  let existing = resolve(path);
  while (!existsSync(existing)) existing = resolve(existing, '..');
  return relative(root, join(realpathSync(existing), relative(existing, resolve(path))))
    .split(sep)
    .join('/');
}

export async function releaseTagNames(git: SimpleGit): Promise<string[]> {
  const tags = (await git.tags()).all.filter((t) => RELEASE_TAG.test(t));
  const key = (t: string) => RELEASE_TAG.exec(t)!.slice(1).map(Number);
  return tags.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
}

async function showAt(git: SimpleGit, rev: string, path: string): Promise<string | null> {
  try {
    return await git.show([`${rev}:${path}`]);
  } catch {
    return null;
  }
}

/** Method ids from record paths `runs/<task>/<method>[+<control>]/<id>.json` (dense runs excluded). */
export function methodIdsFromRecordPaths(paths: string[]): string[] {
  const ids = new Set<string>();
  for (const p of paths) {
    const m = /(?:^|\/)runs\/[^/]+\/([^/]+)\/[0-9a-f]{16}\.json$/.exec(p);
    if (m && m[1] !== 'dense') ids.add(m[1].split('+')[0]);
  }
  return [...ids].sort();
}

function recordPathsUnder(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((t) => t.isDirectory())
    .flatMap((t) =>
      readdirSync(join(runsDir, t.name), { withFileTypes: true })
        .filter((m) => m.isDirectory())
        .flatMap((m) => readdirSync(join(runsDir, t.name, m.name)).map((f) => `runs/${t.name}/${m.name}/${f}`)),
    );
}

function parseCff(text: string, where: string): Cff {
  const cff = parseYaml(text) as Cff;
  if (!cff || typeof cff.title !== 'string' || !Array.isArray(cff.authors))
    throw new CiteError(`${where}: not a CFF file with a title and authors`);
  return cff;
}

function isoDate(value: string | Date | undefined): string | null {
  if (value === undefined) return null;
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
}

function bibtexAuthors(cff: Cff): string {
  return cff.authors.map((a) => (a.name ? `{${a.name}}` : [a['family-names'], a['given-names']].filter(Boolean).join(', '))).join(' and ');
}

function bibtexEntry(type: string, key: string, fields: Array<[string, string | null | undefined]>): string {
  const present = fields.filter(([, v]) => v !== null && v !== undefined && v !== '');
  return `@${type}{${key},\n${present.map(([k, v]) => `  ${k} = {${v}}`).join(',\n')}\n}`;
}

function softwareBibtex(cff: Cff): string {
  const date = isoDate(cff['date-released']);
  return bibtexEntry('software', 'prunebench', [
    ['title', cff.title.replace(/PruneBench/g, '{PruneBench}')],
    ['author', bibtexAuthors(cff)],
    ['version', cff.version === undefined ? null : String(cff.version)],
    ['year', date?.slice(0, 4)],
    ['date', date],
    ['license', cff.license],
    ['url', cff.url ?? cff['repository-code']],
    ['doi', cff.doi],
  ]);
}

function releaseBibtex(cff: Cff, release: Release): string {
  return bibtexEntry('misc', `prunebench_${release.tag.replace(/\./g, '_')}`, [
    ['title', `{PruneBench} leaderboard, release ${release.tag}`],
    ['author', bibtexAuthors(cff)],
    ['year', release.date.slice(0, 4)],
    ['date', release.date],
    ['version', release.tag],
    ['url', cff.url ?? cff['repository-code']],
    [
      'note',
      release.fromFile
        ? `release file results/releases/${release.tag}.json, records of commit ${release.commit}`
        : `git tag ${release.tag}, commit ${release.commit}`,
    ],
  ]);
}

const CFF_REFERENCE_TYPES: Record<string, string> = {
  'paper-conference': 'conference-paper',
  'article-journal': 'article',
  article: 'article',
  book: 'book',
  chapter: 'book',
  thesis: 'thesis',
  report: 'report',
};

/** A method's paper as a CFF reference, from its BibTeX (authors, venue) and manifest (url, year). */
function cffReference(manifest: MethodManifest): Record<string, unknown> {
  const paper = manifest.paper!;
  // biome-ignore lint/suspicious/noExplicitAny: citation-js hands back untyped CSL-JSON; every field read below is checked.
  const csl = (new Cite(paper.bibtex, { forceType: '@bibtex/text' }).data as Array<Record<string, any>>)[0] ?? {};
  const type = CFF_REFERENCE_TYPES[csl.type] ?? 'generic';
  const authors =
    Array.isArray(csl.author) && csl.author.length
      ? csl.author.map((a: { given?: string; family?: string; literal?: string }) =>
          a.family ? { 'family-names': a.family, ...(a.given ? { 'given-names': a.given } : {}) } : { name: a.literal ?? String(a.given) },
        )
      : paper.authors.split(',').map((name) => ({ name: name.trim() }));
  const reference: Record<string, unknown> = { type, title: paper.title, authors, year: paper.year, url: paper.url };
  if (csl['container-title']) reference[type === 'article' ? 'journal' : 'collection-title'] = csl['container-title'];
  return reference;
}

async function collect(opts: CiteOptions): Promise<{ cff: Cff; release: Release | null; methods: MethodPaper[]; commit: string | null }> {
  const resultsDir = resolve(opts.results);
  const methodsDir = resolve(opts.methodsDir ?? defaultMethodsDir);
  const citationFile = resolve(opts.citationFile ?? defaultCitationFile);
  const repo = await repositoryOf(resultsDir);

  if (!opts.release) {
    if (!existsSync(citationFile)) throw new CiteError(`${citationFile} does not exist`);
    const cff = parseCff(readFileSync(citationFile, 'utf8'), citationFile);
    const ids = methodIdsFromRecordPaths(recordPathsUnder(join(resultsDir, 'runs')));
    const folders = existsSync(methodsDir) ? readdirSync(methodsDir).filter((f) => existsSync(join(methodsDir, f, 'manifest.json'))) : [];
    const manifests = manifestsWithVariants(folders.map((f) => readFileSync(join(methodsDir, f, 'manifest.json'), 'utf8')));
    const methods = ids.map((id) => ({ id, manifest: manifests.get(id) ?? null }));
    const commit = repo ? (await repo.git.revparse(['HEAD']).catch(() => '')).trim() || null : null;
    return { cff, release: null, methods, commit };
  }

  // The release file names the commit, date and records: no git tag needed (tags do not always travel with a clone).
  const releaseFile = releaseFilePath(resultsDir, opts.release);
  if (existsSync(releaseFile)) {
    const frozen = readReleaseFile(releaseFile);
    if (!existsSync(citationFile)) throw new CiteError(`${citationFile} does not exist`);
    const cff = parseCff(readFileSync(citationFile, 'utf8'), citationFile);
    const methods = methodIdsFromRecordPaths(frozen.records.map((r) => r.path)).map((id) => {
      const file = join(methodsDir, id, 'manifest.json');
      return { id, manifest: existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MethodManifest) : null };
    });
    return {
      cff,
      release: { tag: frozen.release, commit: frozen.commit, date: frozen.date, fromFile: true },
      methods,
      commit: frozen.commit,
    };
  }
  if (!repo)
    throw new CiteError(
      `--release ${opts.release}: no ${releaseFile}, and ${resultsDir} is not in a git repository, so it has no release tags`,
    );
  const tags = await releaseTagNames(repo.git);
  if (!tags.includes(opts.release)) {
    throw new CiteError(
      `unknown release '${opts.release}'; known releases: ${tags.length ? tags.join(', ') : 'none (no vX.Y.Z tags in this repository)'}`,
    );
  }
  const tag = opts.release;
  const commit = (await repo.git.revparse([`${tag}^{commit}`])).trim();
  const date = (await repo.git.raw(['log', '-1', '--format=%cs', commit])).trim();
  const cffText = await showAt(repo.git, tag, repoRelative(repo.root, citationFile));
  if (cffText === null) throw new CiteError(`release ${tag} has no ${repoRelative(repo.root, citationFile)}`);
  const cff = parseCff(cffText, `${tag}:CITATION.cff`);
  const resultsRel = repoRelative(repo.root, resultsDir);
  const listing = await repo.git.raw(['ls-tree', '-r', '--name-only', tag, '--', `${resultsRel === '' ? '' : `${resultsRel}/`}runs`]);
  const ids = methodIdsFromRecordPaths(listing.split('\n').filter(Boolean));
  const methodsRel = repoRelative(repo.root, methodsDir);
  const manifestPaths = (await repo.git.raw(['ls-tree', '-r', '--name-only', tag, '--', methodsRel]))
    .split('\n')
    .filter((f) => /\/[^/]+\/manifest\.json$/.test(`/${f}`) && f.split('/').length === methodsRel.split('/').filter(Boolean).length + 2);
  const texts = await Promise.all(manifestPaths.map((f) => showAt(repo.git, tag, f)));
  const manifests = manifestsWithVariants(texts.filter((t): t is string => t !== null));
  const methods: MethodPaper[] = ids.map((id) => ({ id, manifest: manifests.get(id) ?? null }));
  return { cff, release: { tag, commit, date }, methods, commit };
}

/** Manifests by method id, with the variants each declares (a variant cites its own paper). */
function manifestsWithVariants(texts: string[]): Map<string, MethodManifest> {
  const byId = new Map<string, MethodManifest>();
  for (const text of texts) {
    try {
      for (const m of expandVariants(JSON.parse(text) as MethodManifest)) byId.set(m.id, m);
    } catch {
      // an unreadable manifest cites nothing; validate reports it
    }
  }
  return byId;
}

export function renderBibtex(cff: Cff, release: Release | null, methods: MethodPaper[], commit: string | null): string {
  const out: string[] = [];
  out.push('% PruneBench, the software', softwareBibtex(cff), '');
  if (release) out.push(`% The leaderboard release ${release.tag}`, releaseBibtex(cff, release), '');
  else
    out.push(
      `% No --release given: the methods below have records in the results directory${commit ? ` at commit ${commit}` : ''}, which is not a release; cite a release (prunebench cite --release vX.Y.Z) for numbers others can look up.`,
      '',
    );
  out.push(`% The ${methods.length} methods with records${release ? ` in ${release.tag}` : ''}`);
  const seenKeys = new Set<string>();
  for (const m of methods) {
    if (!m.manifest) out.push(`% ${m.id}: no manifest found`);
    else if (!m.manifest.paper) out.push(`% ${m.id} (${m.manifest.name}): no paper`);
    else {
      const key = /@\w+\s*\{\s*([^,\s]+)/.exec(m.manifest.paper.bibtex)?.[1] ?? m.id;
      if (seenKeys.has(key)) {
        out.push(`% ${m.id}: see ${key} above`);
        continue;
      }
      seenKeys.add(key);
      out.push(`% ${m.id} (${m.manifest.name})`, m.manifest.paper.bibtex.trim());
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function renderCff(cff: Cff, release: Release | null, methods: MethodPaper[], commit: string | null): string {
  const doc: Record<string, unknown> = { ...cff };
  if (release) {
    doc.version = release.tag;
    doc.commit = release.commit;
    doc['date-released'] = release.date;
  } else if (commit) {
    doc.commit = commit;
  }
  const byTitle = new Map<string, Record<string, unknown>>();
  for (const m of methods)
    if (m.manifest?.paper && !byTitle.has(m.manifest.paper.title)) byTitle.set(m.manifest.paper.title, cffReference(m.manifest));
  if (byTitle.size) doc.references = [...byTitle.values()];
  const what = release
    ? `leaderboard release ${release.tag} (commit ${release.commit})`
    : `the software${commit ? ` at commit ${commit}` : ''}`;
  return `# Citation of PruneBench, ${what}; references: the papers of the methods with records in it.\n${stringifyYaml(doc, { lineWidth: 0 })}`;
}

export async function citeCommand(
  opts: CiteOptions,
  print: (text: string) => void = (t) => process.stdout.write(t),
  error: (line: string) => void = console.error,
): Promise<number> {
  if (opts.format !== 'bibtex' && opts.format !== 'cff') {
    error(`prunebench cite: --format must be bibtex or cff, got '${opts.format}'`);
    return 1;
  }
  try {
    const { cff, release, methods, commit } = await collect(opts);
    print(opts.format === 'bibtex' ? renderBibtex(cff, release, methods, commit) : renderCff(cff, release, methods, commit));
    return 0;
  } catch (e) {
    if (!(e instanceof CiteError)) throw e;
    error(`prunebench cite: ${e.message}`);
    return 1;
  }
}
