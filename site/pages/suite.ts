/**
 * Pages outside the leaderboard: one per other suite (each task ranked over that suite's grid,
 * exactly as `prunebench report --suite` ranks it) and one per paper reproduction.
 */
import { formatCompression, formatDate, formatInteger, formatSeeds, formatSparsity } from '../../harness/report/format.ts';
import { describeSuiteMethods } from '../../harness/jobs/suite-grid.ts';
import { suitePath, suiteTaskAnchor, taskPath, trackPath } from '../paths.ts';
import { reproductionPath, type ReproductionView } from '../reproductions.ts';
import type { SuiteView } from '../scope.ts';
import { textColumn, PageBuilder, type PageView, type SiteInput } from './common.ts';
import { scaleFacts, taskScaleText } from './scale.ts';
import { rankingTable, taskTitle } from './task.ts';

export function suitePage(view: SuiteView, input: SiteInput): PageView {
  const page = new PageBuilder(suitePath(view.suite.id));
  const shown = new Set(input.aggregate.tasks.map((t) => t.task.key));
  const tasks = view.aggregate.tasks.map((t) => {
    const table =
      t.ranking.length > 0
        ? page.table({
            ...rankingTable(t, input),
            id: `ranking-${suiteTaskAnchor(t.task)}`,
            caption: `${taskTitle(t)} on suite ${view.suite.id}`,
          })
        : null;
    const leader = t.ranking.filter((s) => s.rank === 1).map((s) => input.names.get(s.method) ?? s.method);
    return {
      id: t.task.id,
      version: t.task.version,
      structure: t.task.structure ?? null,
      anchor: suiteTaskAnchor(t.task),
      leaderboardHref: shown.has(t.task.key) ? page.root + taskPath(t.task) : null,
      trackHref: input.structured.suite.get(t.task.key) === view.suite.id ? page.root + trackPath(t.task) : null,
      scale: taskScaleText(input.taskDefinition(t.task.id))?.summary ?? null,
      leader: leader.length ? leader.join(', ') : null,
      table,
    };
  });
  const s = view.suite;
  const facts = [
    {
      label: 'Sparsities',
      value: `${s.sparsities.map(formatSparsity).join(', ')} (${formatCompression(Math.min(...s.sparsities))}–${formatCompression(Math.max(...s.sparsities))})`,
    },
    ...Object.entries(s.taskSparsities ?? {}).map(([task, values]) => ({
      label: `Also on ${task}`,
      value: values.map(formatSparsity).join(', '),
    })),
    { label: 'Seeds', value: formatSeeds(s.seeds) },
    { label: 'Controls', value: s.controls?.length ? s.controls.join(', ') : 'none' },
    { label: 'Methods listed', value: describeSuiteMethods(s) },
  ];
  return page.page('suite', `Suite ${s.id}`, `Rankings of the ${s.id} suite (not the leaderboard).`, 'suite', {
    id: s.id,
    version: s.version,
    description: s.description,
    facts,
    tasks,
  });
}

/** "mnist-lenet300 (55,000), planted-circle-d5-w100 (…)": each task with its training-set size. */
function tasksWithTrainingSize(ids: readonly string[], input: SiteInput): string {
  return ids
    .map((id) => {
      const train = input.taskDefinition(id)?.scale?.train;
      return train === undefined ? id : `${id} (${formatInteger(train)})`;
    })
    .join(', ');
}

export function reproductionsIndexPage(input: SiteInput): PageView {
  const page = new PageBuilder('reproductions.html');
  const rows = input.reproductions.map(({ record }) => ({
    paper: record.paper.id,
    paper_title: `${record.paper.authors.split(',')[0].trim().split(' ').pop()}${record.paper.authors.includes(',') ? ' et al.' : ''} ${record.paper.year}: ${record.paper.title}`,
    suite: record.suite.id,
    tasks: tasksWithTrainingSize(record.suite.tasks, input),
    claims: record.summary.claims,
    reproduced: record.summary.reproduced,
    not_reproduced: record.summary.notReproduced,
    not_run: record.summary.notRun,
  }));
  const table =
    rows.length === 0
      ? null
      : page.table({
          id: 'reproductions',
          caption: 'Paper reproductions, at CPU scale and at full data',
          note: 'Tasks with their training-set sizes: at CPU scale the MNIST tasks train on 10,000-image subsets; the -full variants of the papers that trained on full MNIST train on the full training set (55,000 images besides the 5,000 of validation).',
          fields: ['paper', 'paper_title', 'suite', 'tasks', 'claims', 'reproduced', 'not_reproduced', 'not_run'],
          rows,
          columns: [
            {
              key: 'paper',
              label: 'Paper',
              rowHeader: true,
              text: (r) => String(r.paper_title),
              sort: (r) => String(r.paper),
              href: (r) => reproductionPath(String(r.paper)),
            },
            textColumn('suite', 'Suite'),
            textColumn('tasks', 'Tasks (training images)'),
            { key: 'claims', label: 'Claims', numeric: true, text: (r) => String(r.claims), sort: (r) => Number(r.claims) },
            { key: 'reproduced', label: 'Reproduced', numeric: true, text: (r) => String(r.reproduced), sort: (r) => Number(r.reproduced) },
            {
              key: 'not_reproduced',
              label: 'Not reproduced',
              numeric: true,
              text: (r) => String(r.not_reproduced),
              sort: (r) => Number(r.not_reproduced),
            },
            { key: 'not_run', label: 'Not run', numeric: true, text: (r) => String(r.not_run), sort: (r) => Number(r.not_run) },
          ],
          sortedBy: { key: 'paper', direction: 'ascending' },
        });
  return page.page(
    'reproductions',
    'Paper reproductions',
    'Published claims about pruning methods checked against PruneBench runs, at CPU scale and at full data.',
    'reproductions',
    { table, empty: rows.length === 0 },
  );
}

export function reproductionPage(view: ReproductionView, input: SiteInput): PageView {
  const { record } = view;
  const page = new PageBuilder(reproductionPath(record.paper.id));
  const rows = record.claims.map((c) => ({
    claim: c.id,
    description: c.description,
    reported: c.reported.text,
    measured: c.measuredText,
    gap: c.gapText,
    tolerance: c.toleranceText,
    verdict: c.verdict,
    explanation: c.explanation,
  }));
  const claims = page.table({
    id: 'claims',
    caption: `Claims of ${record.paper.title}: reported against measured`,
    note: 'gap = measured − reported (or − the bound); a claim is reproduced when the gap is within the tolerance. Differences of percentages are in percentage points (pp).',
    fields: ['claim', 'description', 'reported', 'measured', 'gap', 'tolerance', 'verdict', 'explanation'],
    rows,
    columns: [
      textColumn('claim', 'Claim', { rowHeader: true }),
      textColumn('description', 'What the paper says'),
      textColumn('reported', 'Reported'),
      textColumn('measured', 'Measured here'),
      textColumn('gap', 'Gap'),
      textColumn('tolerance', 'Tolerance'),
      textColumn('verdict', 'Verdict'),
      textColumn('explanation', 'Why'),
    ],
    sortedBy: { key: 'claim', direction: 'ascending' },
    rowClass: (r) => (r.verdict === 'reproduced' ? 'reproduced' : r.verdict === 'not run' ? 'incomplete' : 'not-reproduced'),
  });
  const shown = new Map(input.aggregate.tasks.map((t) => [t.task.id, t] as const));
  const tasks = record.suite.tasks.map((id) => ({
    id,
    href: shown.has(id) ? page.root + taskPath(shown.get(id)!.task) : null,
    facts: scaleFacts(input.taskDefinition(id)),
  }));
  const s = record.suite;
  return page.page(
    'reproduction',
    `${record.paper.title} (${record.paper.year})`,
    `Reproduction of ${record.paper.authors} ${record.paper.year} on ${tasksWithTrainingSize(record.suite.tasks, input)}.`,
    'reproductions',
    {
      paper: record.paper,
      setting: record.setting,
      scaledDown: record.scaledDown,
      suite: `${s.id} v${s.version}: ${s.tasks.join(', ')}; methods ${s.methods.join(', ')}; sparsities ${s.sparsities.map(formatSparsity).join(', ')}; seeds ${formatSeeds(s.seeds)}${s.controls.length ? `; controls ${s.controls.join(', ')}` : ''}`,
      summary: record.summary,
      claims,
      tasks,
      date: formatDate(record.provenance.date),
      commit: record.provenance.gitCommit ? record.provenance.gitCommit.slice(0, 12) : 'unknown',
      path: view.path,
    },
  );
}
