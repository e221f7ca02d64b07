/** The methods index and one page per method: manifest, paper, hyperparameters, results, controls. */
import { formatNumber, MISSING } from '../../harness/report/format.ts';
import type { ManifestView } from '../load.ts';
import { methodPath, safeExternalUrl, trackPath } from '../paths.ts';
import type { Column, DataRow, TableSpec } from '../tables.ts';
import {
  familyOf,
  familyTitle,
  estimateColumn,
  estimateFieldNames,
  estimateFields,
  methodColumn,
  methodName,
  num,
  numberColumn,
  PageBuilder,
  rankColumn,
  textColumn,
  type PageView,
  type SiteInput,
} from './common.ts';

const PERCENT = { scale: 100, digits: 2 };

/** Every method with a manifest or with results. */
export function allMethodIds(input: SiteInput): string[] {
  return [
    ...new Set([
      ...input.manifests.keys(),
      ...input.aggregate.tasks.flatMap((t) => t.methods),
      ...input.structured.aggregate.tasks.flatMap((t) => t.methods),
    ]),
  ].sort();
}

function taskColumn(): Column {
  return {
    key: 'task',
    label: 'Task',
    rowHeader: true,
    text: (r) => `${r.task_id} v${r.task_version}${r.structure ? ` [${r.structure}]` : ''}`,
    sort: (r) => `${r.task_id} ${r.task_version} ${r.structure ?? ''}`,
    href: (r) =>
      trackPath({ id: String(r.task_id), version: String(r.task_version), structure: r.structure ? String(r.structure) : undefined }),
  };
}

export function methodResultsTable(methodId: string, input: SiteInput): TableSpec {
  const rows: DataRow[] = [];
  // The leaderboard's tasks, then the structured tracks (each ranked apart).
  for (const t of [...input.aggregate.tasks, ...input.structured.aggregate.tasks]) {
    const s = t.ranking.find((x) => x.method === methodId);
    if (!s) continue;
    rows.push({
      task_id: t.task.id,
      task_version: t.task.version,
      structure: t.task.structure ?? null,
      family: familyTitle(familyOf(t.task.id, input)),
      rank: s.rank,
      tied: s.rankLabel.startsWith('='),
      methods: t.ranking.length,
      ...estimateFields('score', s.score),
      partial_score: s.partialScore,
      seeds: s.seedScores.length,
      covered: s.coveredSparsities.length,
      grid: s.grid.length,
    });
  }
  const order = (r: DataRow) => `${r.task_id}\u0000${r.task_version}\u0000${r.structure ?? ''}`;
  rows.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return {
    id: 'results',
    caption: `Results of ${methodName(input.names, methodId)} on every task`,
    fields: [
      'task_id',
      'task_version',
      'structure',
      'family',
      'rank',
      'tied',
      'methods',
      ...estimateFieldNames('score'),
      'partial_score',
      'seeds',
      'covered',
      'grid',
    ],
    rows,
    columns: [
      taskColumn(),
      textColumn('family', 'Family'),
      { ...rankColumn('rank', 'tied'), text: (r) => (num(r.rank) === null ? MISSING : `${r.tied ? '=' : ''}${r.rank} of ${r.methods}`) },
      {
        ...estimateColumn('score', 'Score', {
          ...PERCENT,
          title: "Mean retention over the task's sparsity grid (%), ± 95% interval over seeds",
        }),
        text: (r) =>
          num(r.score_mean) !== null
            ? estimateColumn('score', '', PERCENT).text(r)
            : num(r.partial_score) !== null
              ? `(${formatNumber(num(r.partial_score), 2, 100)})`
              : MISSING,
      },
      numberColumn('seeds', 'Seeds', { digits: 0 }),
      { key: 'coverage', label: 'Coverage', numeric: true, text: (r) => `${r.covered}/${r.grid}`, sort: (r) => num(r.covered) },
    ],
    sortedBy: { key: 'task', direction: 'ascending' },
  };
}

export function methodControlsTable(methodId: string, input: SiteInput): TableSpec | null {
  const rows: DataRow[] = [];
  for (const t of input.aggregate.tasks) {
    for (const c of t.controls.filter((x) => x.method === methodId)) {
      rows.push({
        task_id: t.task.id,
        task_version: t.task.version,
        control: c.control,
        ...estimateFields('score', c.score),
        ...estimateFields('reference', c.referenceScore),
        difference: c.score && c.referenceScore ? c.score.mean - c.referenceScore.mean : null,
      });
    }
  }
  if (rows.length === 0) return null;
  return {
    id: 'controls',
    caption: 'Controls of this method (not ranked)',
    fields: ['task_id', 'task_version', 'control', ...estimateFieldNames('score'), ...estimateFieldNames('reference'), 'difference'],
    rows,
    columns: [
      taskColumn(),
      textColumn('control', 'Control'),
      estimateColumn('score', 'Control score', PERCENT),
      estimateColumn('reference', 'Method score', { ...PERCENT, title: 'The method itself on the same sparsities' }),
      numberColumn('difference', 'Difference', { ...PERCENT, title: 'Control − method, percentage points' }),
    ],
    sortedBy: { key: 'task', direction: 'ascending' },
  };
}

function hyperparameterTable(manifest: ManifestView): TableSpec {
  return {
    id: 'hyperparameters',
    caption: 'Hyperparameters (defaults)',
    fields: ['name', 'value'],
    rows: Object.entries(manifest.hyperparameters)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => ({ name, value: typeof value === 'string' ? value : JSON.stringify(value) })),
    columns: [textColumn('name', 'Name', { rowHeader: true }), textColumn('value', 'Default')],
    sortedBy: { key: 'name', direction: 'ascending' },
  };
}

export function methodPage(methodId: string, input: SiteInput): PageView {
  const page = new PageBuilder(methodPath(methodId));
  const manifest = input.manifests.get(methodId) ?? null;
  const versionsSeen = [
    ...new Set(input.aggregate.tasks.flatMap((t) => t.cells.filter((c) => c.method === methodId).flatMap((c) => c.methodVersions))),
  ].sort();
  const facts = manifest
    ? [
        { label: 'Id', value: manifest.id },
        { label: 'Version', value: manifest.version },
        { label: 'When it prunes', value: manifest.when },
        { label: 'Scope', value: manifest.scope },
        { label: 'Needs', value: manifest.needs.length ? manifest.needs.join(', ') : 'nothing (data-free)' },
        ...(manifest.output ? [{ label: 'Returns', value: manifest.output }] : []),
        { label: 'Versions in the results', value: versionsSeen.length ? versionsSeen.join(', ') : MISSING },
      ]
    : [
        { label: 'Id', value: methodId },
        { label: 'Versions in the results', value: versionsSeen.length ? versionsSeen.join(', ') : MISSING },
      ];
  const paper = manifest?.paper
    ? {
        title: manifest.paper.title,
        authors: manifest.paper.authors,
        year: manifest.paper.year,
        url: safeExternalUrl(manifest.paper.url),
        rawUrl: manifest.paper.url,
        bibtex: manifest.paper.bibtex,
      }
    : null;
  const controls = methodControlsTable(methodId, input);
  const resultsTable = methodResultsTable(methodId, input);
  return page.page('method', methodName(input.names, methodId), manifest?.description ?? `Pruning method ${methodId}.`, 'methods', {
    id: methodId,
    name: methodName(input.names, methodId),
    manifest: manifest !== null,
    description: manifest?.description ?? null,
    choices: manifest?.choices ?? null,
    facts,
    paper,
    hyperparameters: manifest && Object.keys(manifest.hyperparameters).length ? page.table(hyperparameterTable(manifest)) : null,
    results: resultsTable.rows.length ? page.table(resultsTable) : null,
    controls: controls ? page.table(controls) : null,
    versionMismatch: manifest !== null && versionsSeen.some((v) => v !== manifest.version),
  });
}

export function methodsIndexPage(input: SiteInput): PageView {
  const page = new PageBuilder('methods.html');
  const rows: DataRow[] = allMethodIds(input).map((id) => {
    const m = input.manifests.get(id);
    const rankings = input.aggregate.tasks.map((t) => t.ranking.find((s) => s.method === id)).filter((s) => s !== undefined);
    return {
      method: id,
      method_name: methodName(input.names, id),
      version: m?.version ?? null,
      when: m?.when ?? null,
      scope: m?.scope ?? null,
      needs: m ? m.needs.join(', ') : null,
      paper: m?.paper ? `${m.paper.authors} (${m.paper.year})` : null,
      tasks_ranked: rankings.filter((s) => s!.rank !== null).length,
      first_places: rankings.filter((s) => s!.rank === 1).length,
      has_manifest: Boolean(m),
    };
  });
  const table: TableSpec = {
    id: 'methods',
    caption: 'Registered methods and methods with results',
    fields: ['method', 'method_name', 'version', 'when', 'scope', 'needs', 'paper', 'tasks_ranked', 'first_places', 'has_manifest'],
    rows,
    columns: [
      methodColumn(),
      textColumn('version', 'Version'),
      textColumn('when', 'When'),
      textColumn('scope', 'Scope'),
      textColumn('needs', 'Needs', { format: (v) => (v === null ? MISSING : v === '' ? 'nothing' : String(v)) }),
      textColumn('paper', 'Paper'),
      numberColumn('tasks_ranked', 'Tasks ranked', { digits: 0 }),
      numberColumn('first_places', 'First places', { digits: 0, title: 'Tasks where the method is first or tied with the leader' }),
    ],
    sortedBy: { key: 'method', direction: 'ascending' },
  };
  return page.page('methods', 'Methods', 'Every pruning method on the leaderboard, with its manifest.', 'methods', {
    table: page.table(table),
    missingManifests: rows.filter((r) => !r.has_manifest).map((r) => ({ id: r.method, href: page.root + methodPath(String(r.method)) })),
  });
}
