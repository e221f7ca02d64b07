/**
 * The static leaderboard builder: records + manifests → HTML pages with inline SVG plots, CSV/JSON
 * downloads of every table, and archived copies of tagged releases.
 *
 * The site reads result files and manifests and imports the aggregation; it never imports the
 * engine or runs a model.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Aggregate } from '../harness/aggregate/aggregate.ts';
import type { SuiteDefinition, TaskDefinition } from '../api/task-api.ts';
import { scopeSite, unscopedSite, type SiteScope } from './scope.ts';
import { readReproductions, type ReproductionView } from './reproductions.ts';
import { reproductionPage, reproductionsIndexPage, suitePage } from './pages/suite.ts';
import type { AggregatableRecord } from '../harness/aggregate/aggregatable-record.ts';
import { compareRankings } from '../harness/aggregate/changes.ts';
import { type ReleaseTag, Repository } from '../harness/git/repository.ts';
import { summarizeCitation } from '../harness/cite/citation-file.ts';
import {
  createValidators,
  parseManifests,
  parseRecords,
  readManifestFiles,
  readResultFiles,
  readSchemaTexts,
  type ManifestSet,
  type ManifestView,
  type RecordSet,
  type Validators,
  type Rejection,
} from './load.ts';
import {
  displayNames,
  type CitationInfo,
  type PageView,
  type PastRelease,
  type ReleaseInfo,
  type SiteInput,
  type Transition,
} from './pages/common.ts';
import { homePage } from './pages/home.ts';
import { allMethodIds, methodPage, methodsIndexPage } from './pages/method.ts';
import { changelogPage, citePage, protocolPage, rejectedPage } from './pages/other.ts';
import { structuredIndexPage, structuredTrackPage } from './pages/structured.ts';
import { taskPage } from './pages/task.ts';
import { releasePage, releasesIndexPage } from './pages/release.ts';
import { readReleases, type ReleaseView } from './releases.ts';
import { rootPrefix } from './paths.ts';
import { methodStyles, type MethodStyles } from './plots.ts';
import { SiteRenderer } from './render.ts';
import { downloadNames, toCsv, toJson } from './tables.ts';

export interface BuildSiteOptions {
  resultsDir: string;
  methodsDir: string;
  outDir: string;
  /** Label of this build, e.g. "v1.2.0"; default: the vX.Y.Z tag at a clean HEAD, else "unreleased". */
  release?: string;
  /** Also render every vX.Y.Z tag that holds results into outDir/vX.Y.Z/ and compare ranks between them. */
  includeReleases?: boolean;
  /** The suites that decide what is ranked where (site/scope.ts), as data: the site never loads the registries. */
  suites: readonly SuiteDefinition[];
  /** The task definitions, read for their scale (training images, epochs, recipe); never run. */
  tasks: readonly TaskDefinition[];
}

export interface BuildSiteResult {
  /** HTML pages written, relative to outDir, '/'-separated. */
  pages: string[];
  /** Bytes of every file written (pages, downloads, assets). */
  bytes: number;
  /** Record and manifest files left out of the current site, each with its problems. */
  rejected: Rejection[];
}

const assetDir = fileURLToPath(new URL('./assets/', import.meta.url));
/** Lists the files of the previous build, so a rebuild removes pages that no longer exist (and nothing else). */
const BUILD_LIST = '.prunebench-site.json';

class OutputWriter {
  readonly written = new Set<string>();
  bytes = 0;

  constructor(readonly outDir: string) {}

  write(relativePath: string, content: string | Buffer): void {
    const full = resolve(this.outDir, relativePath);
    if (!full.startsWith(this.outDir + sep)) throw new Error(`refusing to write outside the site: ${relativePath}`);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    this.written.add(relative(this.outDir, full).split(sep).join('/'));
    this.bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  }

  /** Deletes files the previous build wrote that this one did not, then records this build's files. */
  finish(): void {
    const listFile = join(this.outDir, BUILD_LIST);
    if (existsSync(listFile)) {
      let previous: unknown = [];
      try {
        previous = JSON.parse(readFileSync(listFile, 'utf8'));
      } catch {
        previous = [];
      }
      for (const file of Array.isArray(previous) ? previous : []) {
        if (typeof file !== 'string' || this.written.has(file)) continue;
        const full = resolve(this.outDir, file);
        if (full.startsWith(this.outDir + sep)) rmSync(full, { force: true });
      }
    }
    writeFileSync(listFile, JSON.stringify([...this.written].sort(), null, 0));
  }
}

interface LoadedResults {
  taskDefinitions: ReadonlyMap<string, TaskDefinition>;
  recordSet: RecordSet;
  manifestSet: ManifestSet;
  scope: SiteScope;
  reproductions: ReproductionView[];
  /** Release files of the working results (none for an archived tag). */
  releases: ReleaseView[];
}

function taskMap(tasks: readonly TaskDefinition[]): ReadonlyMap<string, TaskDefinition> {
  return new Map(tasks.map((t) => [t.id, t] as const));
}

function scopeOf(records: RecordSet['records'], opts: BuildSiteOptions): SiteScope {
  return scopeSite(records, opts.suites);
}

function loadWorkingTree(opts: BuildSiteOptions, validators: Validators): LoadedResults {
  const recordSet = parseRecords(readResultFiles(opts.resultsDir), validators);
  const manifestSet = parseManifests(readManifestFiles(opts.methodsDir), validators);
  const { reproductions, rejected } = readReproductions(opts.resultsDir);
  recordSet.rejected.push(...rejected);
  const releases = readReleases(opts.resultsDir, new Set(recordSet.records.map((r) => r.id)));
  recordSet.rejected.push(...releases.rejected);
  return {
    taskDefinitions: taskMap(opts.tasks),
    recordSet,
    manifestSet,
    scope: scopeOf(recordSet.records, opts),
    reproductions,
    releases: releases.releases,
  };
}

async function loadTag(
  repo: Repository,
  tag: ReleaseTag,
  resultsRel: string,
  methodsRel: string | null,
  fallback: Validators,
  opts: BuildSiteOptions,
): Promise<LoadedResults | null> {
  const prefix = resultsRel === '' ? '' : `${resultsRel}/`;
  const files = await repo.filesAt(tag.tag, resultsRel, (p) => p.endsWith('.json') && !p.startsWith(`${prefix}schema/`));
  if (files.length === 0) return null;
  // Records of a release are judged by the schema of that release, when it has one.
  const recordSchema = await repo.fileAt(tag.tag, `${prefix}schema/record.schema.json`);
  const manifestSchema = await repo.fileAt(tag.tag, `${prefix}schema/manifest.schema.json`);
  let validators = fallback;
  if (recordSchema && manifestSchema) {
    try {
      validators = createValidators({ record: recordSchema, manifest: manifestSchema });
    } catch {
      validators = fallback;
    }
  }
  const recordSet = parseRecords(
    files.map((f) => ({ path: f.path.slice(prefix.length), text: f.text })),
    validators,
  );
  if (recordSet.records.length === 0) return null;
  let manifestSet: ManifestSet = { manifests: new Map(), rejected: [] };
  if (methodsRel !== null) {
    const mprefix = methodsRel === '' ? '' : `${methodsRel}/`;
    const manifestPattern = new RegExp(`^${mprefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^/]+/manifest\\.json$`);
    const manifestFiles = await repo.filesAt(tag.tag, methodsRel, (p) => manifestPattern.test(p));
    manifestSet = parseManifests(
      manifestFiles.map((f) => ({ path: f.path.slice(mprefix.length), text: f.text })),
      validators,
    );
  }
  return {
    taskDefinitions: taskMap(opts.tasks),
    recordSet,
    manifestSet,
    scope: scopeOf(recordSet.records, opts),
    reproductions: [],
    releases: [],
  };
}

function citationFile(root: string | null): string | null {
  const file = root ? join(root, 'CITATION.cff') : null;
  return file && existsSync(file) ? file : null;
}

function readCitation(file: string | null): CitationInfo {
  if (!file) return { title: null, authors: [], url: null, doi: null, present: false };
  return { ...summarizeCitation(readFileSync(file, 'utf8')), present: true };
}

function siteInput(
  loaded: LoadedResults,
  release: ReleaseInfo,
  styles: MethodStyles,
  citation: CitationInfo,
  pastReleases: PastRelease[],
  transitions: Transition[] | null,
): SiteInput {
  const ids = [...loaded.manifestSet.manifests.keys(), ...allMethodsOf(loaded.scope)];
  const dates = loaded.recordSet.records.map((r) => r.provenance.date).sort();
  return {
    aggregate: loaded.scope.aggregate,
    leaderboardSuite: loaded.scope.leaderboardSuite,
    structured: loaded.scope.structured,
    offGrid: loaded.scope.offGrid,
    otherSuites: loaded.scope.otherSuites,
    taskDefinition: (id) => loaded.taskDefinitions.get(id),
    reproductions: loaded.reproductions,
    releases: loaded.releases,
    resultsDate: dates.length ? dates[dates.length - 1] : null,
    manifests: loaded.manifestSet.manifests,
    names: displayNames(ids, loaded.manifestSet.manifests),
    rejectedRecords: loaded.recordSet.rejected,
    rejectedManifests: loaded.manifestSet.rejected,
    duplicates: loaded.recordSet.duplicates,
    release,
    styles,
    citation,
    pastReleases,
    transitions,
  };
}

/** Every method id with records anywhere on the site (leaderboard, off-grid, other suites). */
function allMethodsOf(scope: SiteScope): string[] {
  return [
    ...scope.aggregate.tasks.flatMap((t) => t.methods),
    ...scope.structured.aggregate.tasks.flatMap((t) => t.methods),
    ...[...scope.offGrid.values()].flatMap((t) => t.methods),
    ...scope.otherSuites.flatMap((v) => v.aggregate.tasks.flatMap((t) => t.methods)),
  ];
}

/** A site input straight from records and manifests (no git, no files): for tests and embedding. */
export function siteInputFromRecords(
  records: readonly AggregatableRecord[],
  manifests: ReadonlyMap<string, ManifestView> = new Map(),
  release: Partial<ReleaseInfo> = {},
  tasks: readonly TaskDefinition[] = [],
): SiteInput {
  const loaded: LoadedResults = {
    taskDefinitions: taskMap(tasks),
    recordSet: { records: [...records], rejected: [], duplicates: [] },
    manifestSet: { manifests: new Map(manifests), rejected: [] },
    scope: unscopedSite(records),
    reproductions: [],
    releases: [],
  };
  const styles = methodStyles([...manifests.keys(), ...allMethodsOf(loaded.scope)]);
  const info: ReleaseInfo = {
    label: 'unreleased',
    commit: null,
    dirty: null,
    builtAt: new Date().toISOString(),
    releasedAt: null,
    archived: false,
    ...release,
  };
  return siteInput(loaded, info, styles, readCitation(null), [], null);
}

/** Every page of one site; `top` adds the cite, changelog and release pages, which only the top site has. */
export async function sitePages(input: SiteInput, top: boolean): Promise<PageView[]> {
  const pages: PageView[] = [homePage(input), methodsIndexPage(input), protocolPage(input), rejectedPage(input)];
  for (const id of allMethodIds(input)) pages.push(methodPage(id, input));
  for (const t of input.aggregate.tasks) pages.push(await taskPage(t, input));
  pages.push(structuredIndexPage(input));
  for (const t of input.structured.aggregate.tasks) pages.push(await structuredTrackPage(t, input));
  for (const view of input.otherSuites) pages.push(suitePage(view, input));
  pages.push(reproductionsIndexPage(input));
  for (const view of input.reproductions) pages.push(reproductionPage(view, input));
  if (top) {
    pages.push(citePage(input, ''));
    pages.push(changelogPage(input, ''));
    pages.push(releasesIndexPage(input));
    for (const view of input.releases) pages.push(releasePage(view, input));
  }
  return pages;
}

/** Writes one site: the current one (`base` '') or an archived release under `base`. */
async function renderSite(input: SiteInput, base: string, renderer: SiteRenderer, writer: OutputWriter, top: boolean): Promise<string[]> {
  const topExtra = base === '' ? '' : '../'.repeat(base.split('/').filter(Boolean).length);
  const pages = await sitePages(input, top);
  const written: string[] = [];
  for (const page of pages) {
    const root = rootPrefix(page.path);
    const html = renderer.render(page, {
      root,
      topRoot: root + topExtra,
      release: input.release,
      rejectedCount: input.rejectedRecords.length + input.rejectedManifests.length,
    });
    const path = base + page.path;
    writer.write(path, html);
    written.push(path);
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    for (const table of page.tables) {
      const names = downloadNames(page.path, table.id);
      writer.write(dir + names.csv, toCsv(table));
      writer.write(dir + names.json, toJson(table));
    }
  }
  return written;
}

export interface PreparedSite {
  current: SiteInput;
  /** Past releases, each rendered under its `base` ("vX.Y.Z/"). */
  archived: Array<{ base: string; input: SiteInput }>;
  /** CITATION.cff to copy next to the site. */
  citationFile: string | null;
}

/** Reads, validates and aggregates everything the site shows; writes nothing. */
export async function prepareSite(opts: BuildSiteOptions): Promise<PreparedSite> {
  const builtAt = new Date().toISOString();
  const validators = createValidators(readSchemaTexts());
  const current = loadWorkingTree(opts, validators);
  const repo = await Repository.open(opts.resultsDir);
  const git = { commit: (await repo?.head()) ?? null, dirty: (await repo?.isDirty()) ?? null };
  const tags = repo ? await repo.releaseTags() : [];

  const releases: Array<{ tag: ReleaseTag; loaded: LoadedResults }> = [];
  if (opts.includeReleases && repo) {
    const resultsRel = repo.relativePath(opts.resultsDir);
    const methodsRel = repo.relativePath(opts.methodsDir);
    if (resultsRel !== null) {
      for (const tag of tags) {
        const loaded = await loadTag(repo, tag, resultsRel, methodsRel, validators, opts);
        if (loaded) releases.push({ tag, loaded });
      }
    }
  }

  const headTag = tags.find((t) => t.commit === git.commit);
  const label = opts.release ?? (headTag && git.dirty === false ? headTag.tag : 'unreleased');
  const newest = [...current.recordSet.records].sort((a, b) => (a.provenance.date < b.provenance.date ? 1 : -1))[0];
  const currentRelease: ReleaseInfo = {
    label,
    commit: git.commit,
    recordsCommit: git.commit ? null : (newest?.provenance.gitCommit ?? null),
    dirty: git.dirty,
    builtAt,
    releasedAt: headTag && headTag.tag === label ? headTag.date : null,
    archived: false,
  };
  // One colour per method across the whole site, archived releases included.
  const styles = methodStyles(
    [current, ...releases.map((r) => r.loaded)].flatMap((l) => [...l.manifestSet.manifests.keys(), ...allMethodsOf(l.scope)]),
  );
  const cff = citationFile(repo?.root ?? null);
  const citation = readCitation(cff);
  const renderedTags = new Set(releases.map((r) => r.tag.tag));
  const pastReleases: PastRelease[] = tags.map((t) => ({
    label: t.tag,
    commit: t.commit,
    date: t.date,
    href: renderedTags.has(t.tag) ? `${t.tag}/index.html` : null,
  }));

  let transitions: Transition[] | null = null;
  if (opts.includeReleases) {
    const sequence: Array<{ label: string; href: string | null; aggregate: Aggregate }> = releases.map((r) => ({
      label: r.tag.tag,
      href: `${r.tag.tag}/index.html`,
      aggregate: r.loaded.scope.aggregate,
    }));
    if (sequence.length === 0 || sequence[sequence.length - 1].label !== label)
      sequence.push({ label, href: 'index.html', aggregate: current.scope.aggregate });
    transitions = [];
    for (let i = 1; i < sequence.length; i++) {
      transitions.push({
        from: sequence[i - 1].label,
        to: sequence[i].label,
        fromHref: sequence[i - 1].href,
        toHref: sequence[i].href,
        changes: compareRankings(sequence[i - 1].aggregate, sequence[i].aggregate),
      });
    }
  }

  return {
    current: siteInput(current, currentRelease, styles, citation, pastReleases, transitions),
    archived: releases.map(({ tag, loaded }) => ({
      base: `${tag.tag}/`,
      input: siteInput(
        loaded,
        { label: tag.tag, commit: tag.commit, dirty: false, builtAt, releasedAt: tag.date, archived: true },
        styles,
        citation,
        pastReleases,
        null,
      ),
    })),
    citationFile: cff,
  };
}

export async function buildSite(opts: BuildSiteOptions): Promise<BuildSiteResult> {
  const outDir = resolve(opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const prepared = await prepareSite(opts);
  const writer = new OutputWriter(outDir);
  const renderer = new SiteRenderer();
  const pages = await renderSite(prepared.current, '', renderer, writer, true);
  for (const { base, input } of prepared.archived) pages.push(...(await renderSite(input, base, renderer, writer, false)));
  if (prepared.citationFile) writer.write('CITATION.cff', readFileSync(prepared.citationFile));
  for (const file of readdirSync(assetDir)) writer.write(`assets/${file}`, readFileSync(join(assetDir, file)));
  writer.finish();
  return { pages, bytes: writer.bytes, rejected: [...prepared.current.rejectedRecords, ...prepared.current.rejectedManifests] };
}
