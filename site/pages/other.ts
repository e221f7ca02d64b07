/** Protocol, cite, changelog and rejected-records pages. */
import type { RankChange } from '../../harness/aggregate/changes.ts';
import { formatDate, formatSeeds, formatSparsity, MISSING } from '../../harness/report/format.ts';
import { taskPath } from '../paths.ts';
import type { DataRow, TableSpec } from '../tables.ts';
import {
  familyOf,
  familyTitle,
  methodColumn,
  methodName,
  num,
  numberColumn,
  PageBuilder,
  rankText,
  textColumn,
  type CitationInfo,
  type PageView,
  type SiteInput,
} from './common.ts';

export function protocolPage(input: SiteInput): PageView {
  const page = new PageBuilder('protocol.html');
  const rows: DataRow[] = input.aggregate.tasks.map((t) => ({
    task_id: t.task.id,
    task_version: t.task.version,
    family: familyTitle(familyOf(t.task.id, input)),
    kind: t.kind,
    grid: t.grid.map((s) => formatSparsity(s)).join(', '),
    seeds: formatSeeds(t.seeds),
    methods: t.methods.length,
    runs: t.records,
    failed: t.failed,
  }));
  const table: TableSpec = {
    id: 'tasks',
    caption: 'Tasks in these results',
    fields: ['task_id', 'task_version', 'family', 'kind', 'grid', 'seeds', 'methods', 'runs', 'failed'],
    rows,
    columns: [
      {
        key: 'task',
        label: 'Task',
        rowHeader: true,
        text: (r) => `${r.task_id} v${r.task_version}`,
        sort: (r) => String(r.task_id),
        href: (r) => taskPath({ id: String(r.task_id), version: String(r.task_version) }),
      },
      textColumn('family', 'Family'),
      textColumn('kind', 'Kind'),
      textColumn('grid', 'Sparsity grid'),
      textColumn('seeds', 'Seeds'),
      numberColumn('methods', 'Methods', { digits: 0 }),
      numberColumn('runs', 'Runs', { digits: 0 }),
      numberColumn('failed', 'Failed', { digits: 0 }),
    ],
    sortedBy: { key: 'task', direction: 'ascending' },
  };
  return page.page(
    'protocol',
    'Protocol and metrics',
    'How PruneBench runs, counts and scores: splits, sparsity, metrics and the ranking rule.',
    'protocol',
    {
      tasks: page.table(table),
    },
  );
}

function bibtexValue(text: string): string {
  // Unbalanced braces would end the field early; drop them rather than guess what was meant.
  let depth = 0;
  let out = '';
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}') {
      if (depth === 0) continue;
      depth--;
    }
    out += ch;
  }
  return out + '}'.repeat(depth);
}

export function releaseBibtex(label: string, commit: string | null, date: string, citation: CitationInfo): string {
  const year = new Date(date).getUTCFullYear();
  const key = `prunebench_${label.replace(/[^A-Za-z0-9]+/g, '_')}`;
  const fields: Array<[string, string]> = [
    // Inner braces keep BibTeX styles from lower-casing the title.
    [
      'title',
      `{${bibtexValue(citation.title ?? 'PruneBench: a benchmark and leaderboard for neural-network pruning')} (leaderboard release ${bibtexValue(label)})}`,
    ],
    ['author', citation.authors.length ? citation.authors.map(bibtexValue).join(' and ') : '{PruneBench contributors}'],
    ['year', String(Number.isFinite(year) ? year : new Date().getUTCFullYear())],
  ];
  if (citation.url) fields.push(['url', bibtexValue(citation.url)]);
  if (citation.doi) fields.push(['doi', bibtexValue(citation.doi)]);
  fields.push(['note', `Leaderboard release ${bibtexValue(label)}${commit ? `, git commit ${commit.slice(0, 12)}` : ''}`]);
  const width = Math.max(...fields.map(([k]) => k.length));
  return `@misc{${key},\n${fields.map(([k, v]) => `  ${k.padEnd(width)} = {${v}}`).join(',\n')}\n}`;
}

export function citePage(input: SiteInput, topRoot: string): PageView {
  const page = new PageBuilder('cite.html');
  const current = {
    label: input.release.label,
    bibtex: releaseBibtex(input.release.label, input.release.commit, input.release.releasedAt ?? input.release.builtAt, input.citation),
  };
  const past = [...input.pastReleases]
    .reverse()
    .filter((r) => r.label !== input.release.label)
    .map((r) => ({
      label: r.label,
      date: formatDate(r.date),
      href: r.href ? topRoot + r.href : null,
      bibtex: releaseBibtex(r.label, r.commit, r.date, input.citation),
    }));
  return page.page('cite', 'Cite', 'How to cite a PruneBench leaderboard release.', 'cite', {
    current,
    past,
    cff: input.citation.present ? `${topRoot}CITATION.cff` : null,
  });
}

function changeTable(id: string, from: string, to: string, changes: RankChange[], input: SiteInput): TableSpec {
  const kindText: Record<string, string> = {
    new: 'new',
    removed: 'removed',
    up: 'up',
    down: 'down',
    ranked: 'now ranked',
    unranked: 'no longer ranked',
    tie: 'tie changed',
    same: 'same',
  };
  const rows: DataRow[] = changes.map((c) => {
    const [taskId, taskVersion] = [c.task.slice(0, c.task.lastIndexOf('@')), c.task.slice(c.task.lastIndexOf('@') + 1)];
    return {
      task_id: taskId,
      task_version: taskVersion,
      method: c.method,
      method_name: methodName(input.names, c.method),
      change: c.kind,
      places: c.places,
      before_rank: c.before?.rank ?? null,
      before_tied: c.before ? c.before.rankLabel.startsWith('=') : false,
      after_rank: c.after?.rank ?? null,
      after_tied: c.after ? c.after.rankLabel.startsWith('=') : false,
      before_score: c.before?.score ?? null,
      after_score: c.after?.score ?? null,
    };
  });
  return {
    id,
    caption: `Rank changes from ${from} to ${to}`,
    fields: [
      'task_id',
      'task_version',
      'method',
      'method_name',
      'change',
      'places',
      'before_rank',
      'before_tied',
      'after_rank',
      'after_tied',
      'before_score',
      'after_score',
    ],
    rows,
    columns: [
      { key: 'task', label: 'Task', text: (r) => `${r.task_id} v${r.task_version}`, sort: (r) => String(r.task_id) },
      methodColumn(),
      textColumn('change', 'Change', { format: (v) => kindText[String(v)] ?? String(v) }),
      {
        key: 'before_rank',
        label: `Rank in ${from}`,
        numeric: true,
        text: (r) => (r.change === 'new' ? MISSING : rankText(num(r.before_rank), r.before_tied === true)),
        sort: (r) => num(r.before_rank),
      },
      {
        key: 'after_rank',
        label: `Rank in ${to}`,
        numeric: true,
        text: (r) => (r.change === 'removed' ? MISSING : rankText(num(r.after_rank), r.after_tied === true)),
        sort: (r) => num(r.after_rank),
      },
      numberColumn('before_score', `Score in ${from}`, { digits: 2, scale: 100 }),
      numberColumn('after_score', `Score in ${to}`, { digits: 2, scale: 100 }),
    ],
    sortedBy: { key: 'task', direction: 'ascending' },
  };
}

export function changelogPage(input: SiteInput, topRoot: string): PageView {
  const page = new PageBuilder('changelog.html');
  const transitions = (input.transitions ?? [])
    .map((t, i) => {
      const changed = t.changes.filter((c) => c.kind !== 'same');
      return {
        from: t.from,
        to: t.to,
        fromHref: t.fromHref ? topRoot + t.fromHref : null,
        toHref: t.toHref ? topRoot + t.toHref : null,
        unchanged: t.changes.length - changed.length,
        table: changed.length ? page.table(changeTable(`changes-${i}`, t.from, t.to, changed, input)) : null,
      };
    })
    .reverse();
  return page.page('changelog', 'Changelog', 'How method ranks moved between leaderboard releases.', 'changelog', {
    built: input.transitions !== null,
    transitions,
  });
}

export function rejectedPage(input: SiteInput): PageView {
  const page = new PageBuilder('rejected.html');
  const table = (id: string, caption: string, items: SiteInput['rejectedRecords']): TableSpec => ({
    id,
    caption,
    fields: ['file', 'problems'],
    rows: items.map((r) => ({ file: r.path, problems: r.problems.join('; ') })),
    columns: [textColumn('file', 'File', { rowHeader: true }), textColumn('problems', 'Problems (JSON path: message)')],
    sortedBy: { key: 'file', direction: 'ascending' },
  });
  return page.page(
    'rejected',
    'Rejected records',
    'Result records and manifests that failed schema validation and are left out of the leaderboard.',
    'rejected',
    {
      records: input.rejectedRecords.length
        ? page.table(table('rejected-records', `Rejected result records (${input.rejectedRecords.length})`, input.rejectedRecords))
        : null,
      manifests: input.rejectedManifests.length
        ? page.table(table('rejected-manifests', `Rejected method manifests (${input.rejectedManifests.length})`, input.rejectedManifests))
        : null,
      duplicates: input.duplicates,
    },
  );
}
