/** Shared pieces of the page models: the page builder, figures, and column kinds. */
import Handlebars from 'handlebars';
import type { Aggregate, TaskAggregate } from '../../harness/aggregate/aggregate.ts';
import { TASK_FAMILIES, type TaskDefinition, type TaskFamily } from '../../api/task-api.ts';
import type { StructuredScope, SuiteView } from '../scope.ts';
import type { ReproductionView } from '../reproductions.ts';
import type { ReleaseView } from '../releases.ts';
import type { RankChange } from '../../harness/aggregate/changes.ts';
import type { Estimate } from '../../harness/aggregate/stats.ts';
import {
  formatInteger,
  formatMeanInterval,
  formatNumber,
  formatSignificant,
  formatSignificantInterval,
  MISSING,
} from '../../harness/report/format.ts';
import type { ManifestView, Rejection } from '../load.ts';
import { methodPath, rootPrefix } from '../paths.ts';
import { renderSvg, type MethodStyles } from '../plots.ts';
import { renderTable, type Column, type DataRow, type DataValue, type Mark, type RenderedTable, type TableSpec } from '../tables.ts';

export interface ReleaseInfo {
  /** "v1.2.0", or "unreleased" for a build of the working results. */
  label: string;
  commit: string | null;
  /** Outside a git checkout: the commit the newest record names (its provenance), if any. */
  recordsCommit?: string | null;
  dirty: boolean | null;
  /** ISO date of the build. */
  builtAt: string;
  /** ISO date of the release's commit, for tagged releases. */
  releasedAt: string | null;
  /** A past release rendered under vX.Y.Z/. */
  archived: boolean;
}

export interface CitationInfo {
  title: string | null;
  authors: string[];
  url: string | null;
  doi: string | null;
  /** Whether CITATION.cff was found and copied next to the site. */
  present: boolean;
}

export interface PastRelease {
  label: string;
  commit: string;
  date: string;
  /** Root-relative link to its archived site, when it was rendered. */
  href: string | null;
}

export interface Transition {
  from: string;
  to: string;
  fromHref: string | null;
  toHref: string | null;
  changes: RankChange[];
}

export interface SiteInput {
  /** The leaderboard: each task ranked in its leaderboard suite (site/scope.ts). */
  aggregate: Aggregate;
  /** Leaderboard suite id per task key. */
  leaderboardSuite: Map<string, string>;
  /** Structured tracks (neuron, filter, N:M), each ranked in its structured suite (site/scope.ts). */
  structured: StructuredScope;
  /** Per task or track key: records outside its suite's scope, shown collapsed and unscored. */
  offGrid: Map<string, TaskAggregate>;
  /** Non-leaderboard suites with records, each ranked as `prunebench report --suite` ranks it. */
  otherSuites: SuiteView[];
  /** The registered definition of a task id (scale, recipe), when there is one. */
  taskDefinition: (id: string) => TaskDefinition | undefined;
  /** Paper reproductions (results/reproductions/*.json). */
  reproductions: ReproductionView[];
  /** Leaderboard releases (results/releases/vX.Y.Z.json), newest first; empty inside an archived site. */
  releases: ReleaseView[];
  /** The newest `provenance.date` of the records shown, ISO; null without records. */
  resultsDate: string | null;
  manifests: Map<string, ManifestView>;
  /** Display name of every method id on the site (see displayNames). */
  names: Map<string, string>;
  rejectedRecords: Rejection[];
  rejectedManifests: Rejection[];
  duplicates: string[];
  release: ReleaseInfo;
  styles: MethodStyles;
  citation: CitationInfo;
  pastReleases: PastRelease[];
  /** Null when release history was not built (includeReleases unset). */
  transitions: Transition[] | null;
}

/** The family a task declares in its definition; null for a task this build has no definition of. */
export function familyOf(taskId: string, input: Pick<SiteInput, 'taskDefinition'>): TaskFamily | null {
  return input.taskDefinition(taskId)?.family ?? null;
}

export function familyTitle(family: TaskFamily | null): string {
  return family === null ? 'Other tasks' : TASK_FAMILIES.find((f) => f.id === family)!.title;
}

export interface FigureView {
  id: string;
  title: string;
  /** For the page's table of contents. */
  short: string;
  caption: string;
  svg: Handlebars.SafeString;
  table: RenderedTable;
}

export interface PageView {
  /** Relative to the (release) site root. */
  path: string;
  template: string;
  title: string;
  description: string;
  /** Current nav entry. */
  section:
    | 'home'
    | 'methods'
    | 'protocol'
    | 'cite'
    | 'changelog'
    | 'rejected'
    | 'task'
    | 'suite'
    | 'reproductions'
    | 'releases'
    | 'structured';
  content: object;
  tables: TableSpec[];
}

/** Collects a page's tables (for the downloads) while the model is built. */
export class PageBuilder {
  readonly tables: TableSpec[] = [];
  readonly root: string;
  private readonly ids = new Set<string>();

  constructor(readonly path: string) {
    this.root = rootPrefix(path);
  }

  table(spec: TableSpec): RenderedTable {
    if (this.ids.has(spec.id)) throw new Error(`${this.path}: two tables with id '${spec.id}'`);
    this.ids.add(spec.id);
    this.tables.push(spec);
    return renderTable(spec, this.path, this.root);
  }

  async figure(o: { id: string; title: string; short: string; caption: string; spec: object; table: TableSpec }): Promise<FigureView> {
    const svg = await renderSvg(o.spec, `${o.title}. ${o.caption}`);
    // The SVG comes from Vega, which escapes every text node and attribute it writes.
    return {
      id: o.id,
      title: o.title,
      short: o.short,
      caption: o.caption,
      svg: new Handlebars.SafeString(svg),
      table: this.table(o.table),
    };
  }

  page(template: string, title: string, description: string, section: PageView['section'], content: object): PageView {
    return { path: this.path, template, title, description, section, content, tables: this.tables };
  }
}

// ---------------------------------------------------------------------------
// Data-row helpers and column kinds.

export function estimateFields(prefix: string, e: Estimate | null): Record<string, DataValue> {
  return {
    [`${prefix}_mean`]: e?.mean ?? null,
    [`${prefix}_low`]: e?.interval?.low ?? null,
    [`${prefix}_high`]: e?.interval?.high ?? null,
  };
}

export function estimateFieldNames(prefix: string): string[] {
  return [`${prefix}_mean`, `${prefix}_low`, `${prefix}_high`];
}

export function num(v: DataValue | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function half(row: DataRow, prefix: string): number | null {
  const low = num(row[`${prefix}_low`]);
  const high = num(row[`${prefix}_high`]);
  return low === null || high === null ? null : (high - low) / 2;
}

/** "98.12 ± 0.21" from the `<prefix>_mean/_low/_high` fields; `significant`: "1.05e−4 ± 2.1e−6". */
export function estimateColumn(
  prefix: string,
  label: string,
  o: { digits?: number; scale?: number; title?: string; significant?: boolean } = {},
): Column {
  const digits = o.digits ?? 2;
  const scale = o.scale ?? 1;
  return {
    key: prefix,
    label,
    title: o.title,
    numeric: true,
    text: (r) =>
      o.significant
        ? formatSignificantInterval(num(r[`${prefix}_mean`]), half(r, prefix))
        : formatMeanInterval(num(r[`${prefix}_mean`]), half(r, prefix), digits, scale),
    sort: (r) => num(r[`${prefix}_mean`]),
  };
}

export function numberColumn(
  field: string,
  label: string,
  o: { digits?: number; scale?: number; title?: string; significant?: boolean; format?: (v: number | null) => string } = {},
): Column {
  const format =
    o.format ??
    (o.significant ? (v: number | null) => formatSignificant(v) : (v: number | null) => formatNumber(v, o.digits ?? 3, o.scale ?? 1));
  return { key: field, label, title: o.title, numeric: true, text: (r) => format(num(r[field])), sort: (r) => num(r[field]) };
}

export function integerColumn(field: string, label: string, title?: string): Column {
  return numberColumn(field, label, { title, format: formatInteger });
}

export function textColumn(
  field: string,
  label: string,
  o: { title?: string; rowHeader?: boolean; format?: (v: DataValue) => string } = {},
): Column {
  const format = o.format ?? ((v: DataValue) => (v === null || v === '' ? MISSING : String(v)));
  return {
    key: field,
    label,
    title: o.title,
    rowHeader: o.rowHeader,
    text: (r) => format(r[field] ?? null),
    sort: (r) => String(r[field] ?? ''),
  };
}

export function rankText(rank: number | null, tied: boolean): string {
  if (rank === null) return MISSING;
  return tied ? `=${rank}` : String(rank);
}

export function rankColumn(rankField: string, tiedField: string, label = 'Rank'): Column {
  return {
    key: rankField,
    label,
    title:
      'Rank by score; "=1" marks methods whose 95% interval overlaps the leader\'s, as do those of every method above; "—" is unranked (incomplete)',
    numeric: true,
    text: (r) => rankText(num(r[rankField]), r[tiedField] === true),
    sort: (r) => num(r[rankField]),
  };
}

export const FRONTIER_MARK: Mark = {
  symbol: '★',
  label: 'on the Pareto front: no other entry of the task is at least as sparse and at least as accurate',
  kind: 'frontier',
};
export const INCOMPLETE_MARK: Mark = {
  symbol: '◌',
  label: 'incomplete: missing part of the sparsity grid, not ranked',
  kind: 'incomplete',
};
export const FAILED_MARK: Mark = { symbol: '!', label: 'some runs failed', kind: 'failed' };
export const VERSIONS_MARK: Mark = { symbol: '≠', label: 'results from more than one method version', kind: 'versions' };

/** Method name linking to its page; `method` holds the id, `method_name` the display name. */
export function methodColumn(o: { label?: string; marks?: (r: DataRow) => Mark[]; link?: boolean } = {}): Column {
  return {
    key: 'method',
    label: o.label ?? 'Method',
    rowHeader: true,
    text: (r) => String(r.method_name ?? r.method),
    sort: (r) => String(r.method_name ?? r.method).toLowerCase(),
    href: o.link === false ? undefined : (r) => methodPath(String(r.method)),
    marks: o.marks,
  };
}

export function methodName(names: ReadonlyMap<string, string>, id: string): string {
  return names.get(id) ?? id;
}

/**
 * Display names: the manifest's name, or the id without a manifest. Names shared by two methods
 * get their ids appended, since plots key colours by the displayed name.
 */
export function displayNames(ids: readonly string[], manifests: ReadonlyMap<string, ManifestView>): Map<string, string> {
  const unique = [...new Set(ids)];
  const base = new Map(unique.map((id) => [id, manifests.get(id)?.name ?? id]));
  const counts = new Map<string, number>();
  for (const name of base.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return new Map(unique.map((id) => [id, counts.get(base.get(id)!)! > 1 ? `${base.get(id)} (${id})` : base.get(id)!]));
}

/** Sparsity field name fragment: 0.9 → "90", 0.995 → "99.5". */
export function sparsityField(sparsity: number): string {
  return String(Number((sparsity * 100).toFixed(2)));
}
