/** The releases index and one page per leaderboard release (results/releases/vX.Y.Z.json). */
import { formatDate, formatInteger } from '../../harness/report/format.ts';
import { releasePath } from '../paths.ts';
import type { ReleaseView } from '../releases.ts';
import type { DataRow } from '../tables.ts';
import { integerColumn, PageBuilder, textColumn, type PageView, type SiteInput } from './common.ts';
import { releaseBibtex } from './other.ts';

/** The release facts the home page and the release pages share. */
export function releaseSummary(view: ReleaseView, root: string) {
  const r = view.release;
  return {
    label: r.release,
    href: root + releasePath(r.release),
    date: r.date,
    commit: r.commit,
    shortCommit: r.commit.slice(0, 12),
    records: formatInteger(r.records.length),
    suites: r.suites.map((s) => `${s.id} v${s.version} (${formatInteger(s.jobs)} jobs)`).join(', '),
    intact: view.problems.length === 0,
    problems: view.problems.length,
    unlisted: view.unlisted,
  };
}

/** `runs/<task>/<method>[+<control>]/<id>.json` → task and method parts. */
function recordParts(path: string): { task: string; method: string } {
  const m = /^runs\/([^/]+)\/([^/]+)\/[^/]+$/.exec(path);
  return m ? { task: m[1], method: m[2] } : { task: '', method: '' };
}

export function releasePage(view: ReleaseView, input: SiteInput): PageView {
  const r = view.release;
  const page = new PageBuilder(releasePath(r.release));
  const suites = page.table({
    id: 'suites',
    caption: `Suites ${r.release} holds complete`,
    fields: ['suite', 'version', 'jobs'],
    rows: [...r.suites].sort((a, b) => (a.id < b.id ? -1 : 1)).map((s) => ({ suite: s.id, version: s.version, jobs: s.jobs })),
    columns: [
      textColumn('suite', 'Suite', { rowHeader: true }),
      textColumn('version', 'Version'),
      integerColumn('jobs', 'Jobs', 'planned jobs of the suite, dense references included'),
    ],
    sortedBy: { key: 'suite', direction: 'ascending' },
  });
  const rows: DataRow[] = r.records.map((rec) => ({ ...recordParts(rec.path), id: rec.id, path: rec.path, sha256: rec.sha256 }));
  const records = page.table({
    id: 'records',
    caption: `Every record of ${r.release}, with its SHA-256`,
    note: 'prunebench validate re-hashes each of them: a record that changed or disappeared since the release is an error.',
    fields: ['task', 'method', 'id', 'path', 'sha256'],
    rows,
    columns: [
      textColumn('task', 'Task'),
      textColumn('method', 'Method (+ control)'),
      textColumn('id', 'Record id', { rowHeader: true }),
      textColumn('sha256', 'SHA-256'),
    ],
    sortedBy: { key: 'task', direction: 'ascending' },
  });
  return page.page(
    'release',
    `Release ${r.release}`,
    `PruneBench leaderboard release ${r.release} (${r.date}): its suites, commit and records.`,
    'releases',
    {
      summary: releaseSummary(view, page.root),
      current: input.releases[0]?.release.release === r.release,
      problems: view.problems,
      bibtex: releaseBibtex(r.release, r.commit, r.date, input.citation),
      suites,
      records,
    },
  );
}

export function releasesIndexPage(input: SiteInput): PageView {
  const page = new PageBuilder('releases.html');
  const table =
    input.releases.length === 0
      ? null
      : page.table({
          id: 'releases',
          caption: 'Leaderboard releases, newest first',
          fields: ['release', 'date', 'commit', 'suites', 'records', 'problems'],
          rows: input.releases.map((v) => ({
            release: v.release.release,
            date: v.release.date,
            commit: v.release.commit,
            suites: v.release.suites.map((s) => `${s.id} v${s.version}`).join(', '),
            records: v.release.records.length,
            problems: v.problems.length,
          })),
          columns: [
            { ...textColumn('release', 'Release', { rowHeader: true }), href: (row) => releasePath(String(row.release)) },
            textColumn('date', 'Date'),
            textColumn('commit', 'Commit', { format: (v) => String(v).slice(0, 12) }),
            textColumn('suites', 'Suites'),
            integerColumn('records', 'Records'),
            integerColumn(
              'problems',
              'Records changed or missing',
              'records the release lists that are no longer in the results unchanged',
            ),
          ],
          // Rows are newest first already; the column sort key is the text.
          sortedBy: { key: 'date', direction: 'descending' },
        });
  return page.page('releases', 'Releases', 'PruneBench leaderboard releases: what each one froze.', 'releases', {
    current: input.releases[0] ? releaseSummary(input.releases[0], page.root) : null,
    table,
    date: input.releases[0] ? formatDate(input.releases[0].release.date) : null,
  });
}
