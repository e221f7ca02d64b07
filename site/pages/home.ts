/** The home page: what is measured, the protocol in brief, one leaderboard per task family. */
import type { MethodScore, TaskAggregate } from '../../harness/aggregate/aggregate.ts';
import { TASK_FAMILIES, type TaskFamily } from '../../api/task-api.ts';
import {
  formatDate,
  formatEstimate,
  formatInteger,
  formatMeanInterval,
  formatNumber,
  formatSignificantEstimate,
  formatSparsity,
  MISSING,
} from '../../harness/report/format.ts';
import { STRUCTURED_PATH, suitePath, taskPath, taskSlug } from '../paths.ts';
import { taskScaleText } from './scale.ts';
import type { Column, DataRow, TableSpec } from '../tables.ts';
import { familyOf, familyTitle, methodColumn, methodName, num, PageBuilder, rankText, type PageView, type SiteInput } from './common.ts';
import { releaseSummary } from './release.ts';

/**
 * Methods × tasks of one family. Order: methods ranked on more of the family's tasks first, then by
 * mean rank over those tasks (a tie with the leader counts as rank 1), then by id.
 */
export function familyTable(family: TaskFamily | null, tasks: readonly TaskAggregate[], input: SiteInput): TableSpec {
  const methods = [...new Set(tasks.flatMap((t) => t.ranking.map((s) => s.method)))];
  const slugs = tasks.map((t) => taskSlug(t.task));
  const rows: DataRow[] = methods.map((method) => {
    const row: DataRow = { method, method_name: methodName(input.names, method) };
    const ranks: number[] = [];
    tasks.forEach((t, i) => {
      const s: MethodScore | undefined = t.ranking.find((x) => x.method === method);
      const slug = slugs[i];
      row[`${slug}_rank`] = s?.rank ?? null;
      row[`${slug}_tied`] = s ? s.rankLabel.startsWith('=') : false;
      row[`${slug}_score_mean`] = s?.score?.mean ?? null;
      row[`${slug}_score_low`] = s?.score?.interval?.low ?? null;
      row[`${slug}_score_high`] = s?.score?.interval?.high ?? null;
      row[`${slug}_partial_score`] = s?.partialScore ?? null;
      if (s?.rank != null) ranks.push(s.rank);
    });
    row.tasks_ranked = ranks.length;
    row.mean_rank = ranks.length ? ranks.reduce((a, b) => a + b, 0) / ranks.length : null;
    return row;
  });
  rows.sort(
    (a, b) =>
      num(b.tasks_ranked)! - num(a.tasks_ranked)! ||
      (num(a.mean_rank) ?? Infinity) - (num(b.mean_rank) ?? Infinity) ||
      (String(a.method) < String(b.method) ? -1 : 1),
  );
  const taskColumns: Column[] = tasks.map((t, i) => {
    const slug = slugs[i];
    return {
      key: slug,
      label: t.task.id,
      title: `Rank · score (mean retention %, ± 95% interval) on ${t.task.id} v${t.task.version}`,
      numeric: true,
      text: (r: DataRow) => {
        const rank = num(r[`${slug}_rank`]);
        const mean = num(r[`${slug}_score_mean`]);
        if (rank !== null && mean !== null) {
          const low = num(r[`${slug}_score_low`]);
          const high = num(r[`${slug}_score_high`]);
          return `${rankText(rank, r[`${slug}_tied`] === true)} · ${formatMeanInterval(mean, low === null || high === null ? null : (high - low) / 2, 2, 100)}`;
        }
        const partial = num(r[`${slug}_partial_score`]);
        return partial !== null ? `${MISSING} · (${formatNumber(partial, 2, 100)})` : MISSING;
      },
      sort: (r: DataRow) => num(r[`${slug}_rank`]),
      href: () => taskPath(t.task),
    };
  });
  return {
    id: `leaderboard-${family ?? 'other'}`,
    caption: `${familyTitle(family)}: ${tasks.length} task${tasks.length === 1 ? '' : 's'}`,
    fields: [
      'method',
      'method_name',
      'tasks_ranked',
      'mean_rank',
      ...slugs.flatMap((s) => [`${s}_rank`, `${s}_tied`, `${s}_score_mean`, `${s}_score_low`, `${s}_score_high`, `${s}_partial_score`]),
    ],
    rows,
    columns: [
      methodColumn(),
      {
        key: 'mean_rank',
        label: 'Mean rank',
        title: 'Mean of the method\'s ranks over the family\'s tasks where it is ranked ("=1" counts as 1)',
        numeric: true,
        text: (r) => (num(r.mean_rank) === null ? MISSING : formatNumber(num(r.mean_rank), 2)),
        sort: (r) => num(r.mean_rank),
      },
      {
        key: 'tasks_ranked',
        label: 'Ranked on',
        numeric: true,
        text: (r) => `${r.tasks_ranked}/${tasks.length}`,
        sort: (r) => num(r.tasks_ranked),
      },
      ...taskColumns,
    ],
    sortedBy: { key: 'mean_rank', direction: 'ascending' },
  };
}

export function homePage(input: SiteInput): PageView {
  const page = new PageBuilder('index.html');
  const agg = input.aggregate;
  // Tasks without a definition in this build (no declared family) come last, as "Other tasks".
  const families = [...TASK_FAMILIES.map((f): TaskFamily | null => f.id), null]
    .map((family) => ({ family, tasks: agg.tasks.filter((t) => familyOf(t.task.id, input) === family) }))
    .filter((f) => f.tasks.length > 0)
    .map(({ family, tasks }) => ({
      id: family ?? 'other',
      title: familyTitle(family),
      tasks: tasks.map((t) => ({
        href: page.root + taskPath(t.task),
        id: t.task.id,
        version: t.task.version,
        kind: t.kind ?? MISSING,
        grid: t.grid.length ? `${formatSparsity(t.grid[0])}–${formatSparsity(t.grid[t.grid.length - 1])}` : MISSING,
        suite: input.leaderboardSuite.get(t.task.key) ?? null,
        scale: (() => {
          const text = taskScaleText(input.taskDefinition(t.task.id));
          return text ? `${text.summary}; ${text.recipe}` : null;
        })(),
        dense: t.dense
          ? t.kind === 'regression'
            ? `dense MSE ${formatSignificantEstimate(t.dense.mse)}`
            : `dense accuracy ${formatEstimate(t.dense.accuracy, 2, 100)}%`
          : null,
        leader: (() => {
          const leaders = t.ranking.filter((s) => s.rank === 1).map((s) => methodName(input.names, s.method));
          return leaders.length ? leaders.join(', ') : MISSING;
        })(),
      })),
      // A family whose tasks have only dense references so far has no method rows: no empty table.
      table: (() => {
        const spec = familyTable(family, tasks, input);
        return spec.rows.length ? page.table(spec) : null;
      })(),
    }));
  const methodCount = new Set(agg.tasks.flatMap((t) => t.methods)).size;
  const stats = [
    { label: 'Tasks', value: formatInteger(agg.tasks.length) },
    { label: 'Methods', value: formatInteger(methodCount) },
    { label: 'Runs', value: formatInteger(agg.records) },
    { label: 'Failed runs', value: formatInteger(agg.failed) },
    { label: 'Release', value: input.release.label },
    { label: 'Results date', value: input.resultsDate ? formatDate(input.resultsDate) : MISSING },
  ];
  // Suites that rank something first; within each group, registry order.
  const ranks = (v: (typeof input.otherSuites)[number]) => v.aggregate.tasks.some((t) => t.ranking.some((x) => x.rank !== null));
  const otherSuites = [...input.otherSuites.filter(ranks), ...input.otherSuites.filter((v) => !ranks(v))].map((v) => ({
    id: v.suite.id,
    href: page.root + suitePath(v.suite.id),
    description: v.suite.description,
    tasks: v.aggregate.tasks
      .map((t) => {
        const leaders = t.ranking.filter((x) => x.rank === 1).map((x) => methodName(input.names, x.method));
        return `${t.task.id}: ${leaders.length ? `leader ${leaders.join(', ')}` : 'no method covers the grid'}`;
      })
      .join('; '),
  }));
  const currentRelease = input.releases[0] ? releaseSummary(input.releases[0], page.root) : null;
  return page.page(
    'home',
    'Leaderboard',
    'PruneBench: a benchmark and leaderboard for neural-network pruning methods on TensorFlow.js.',
    'home',
    {
      stats,
      currentRelease,
      releasesHref: `${page.root}releases.html`,
      families,
      otherSuites,
      noneRanked: agg.tasks.length > 0 && !agg.tasks.some((t) => t.ranking.some((x) => x.rank !== null)),
      reproductions: input.reproductions.length,
      structured: {
        href: page.root + STRUCTURED_PATH,
        tracks: input.structured.aggregate.tasks.length,
        list: input.structured.aggregate.tasks.map((t) => `${t.task.id} [${t.task.structure}]`).join(', '),
      },
      empty: agg.tasks.length === 0,
      rejected: input.rejectedRecords.length + input.rejectedManifests.length,
    },
  );
}
