import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRecord } from '../harness/testing/record-factory.ts';
import { buildSite, prepareSite, sitePages, type BuildSiteResult } from './build.ts';
import { brokenLinks, decodeEntities, duplicateIds, pageTables } from './testing/site-check.ts';
import { syntheticManifest, syntheticRecords, writeManifests, writeRecords, writeReleaseFile } from './testing/synthetic.ts';
import { csvValue, parseCsv, type DataRow } from './tables.ts';
import type { SuiteDefinition } from '../api/task-api.ts';
import { getTask, listSuites, listTasks } from '../suites/registry.ts';
import { planSuite } from '../harness/jobs/plan.ts';
import { listMethods } from '../harness/registry/methods.ts';
import { buildReproduction, writeReproduction } from '../harness/reproduce/reproduction-record.ts';
import { recordsForPlan } from '../harness/testing/reproduction-fixtures.ts';
import { ResultStore } from '../harness/store/store.ts';
import { han2015Full } from '../suites/papers/full-data-variants.ts';
import { han2015 } from '../suites/papers/han2015.ts';

const tasks = listTasks();

const HOSTILE_NAME = '<script>alert(1)</script>';
/** The fixture's tasks are in no registered suite: one leaderboard suite of the fixture's own ranks them. */
const suites: SuiteDefinition[] = [
  {
    id: 'standard',
    version: '1',
    description: 'fixture leaderboard',
    tasks: ['mnist-small', 'planted-circle-small', 'planted-relu-small'],
    methods: 'all',
    sparsities: [0.5, 0.9],
    seeds: [0, 1, 2],
    controls: ['shuffled'],
  },
  {
    id: 'structured',
    version: '1',
    description: 'fixture structured suite',
    tasks: ['mnist-small', 'planted-circle-small', 'planted-relu-small'],
    methods: ['neuron-a', 'hostile'],
    structures: ['neuron', '2:4'],
    sparsities: [0.5, 0.75],
    seeds: [0, 1],
  },
  {
    id: 'release-fixture',
    version: '1',
    description: 'fixture leaderboard of the release test',
    tasks: ['mnist-r'],
    methods: 'all',
    sparsities: [0.9],
    seeds: [0, 1, 2],
  },
];
const HOSTILE_TASK = 'mnist-<img src=x onerror=alert(1)>';

function allHtml(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else if (e.name.endsWith('.html')) out.push(prefix + e.name);
    }
  };
  walk(dir, '');
  return out.sort();
}

function writeFixture(root: string): { results: string; methods: string } {
  const results = join(root, 'results');
  const methods = join(root, 'methods');
  writeRecords(
    results,
    syntheticRecords({
      tasks: [
        { id: 'mnist-small' },
        { id: 'planted-circle-small', planted: true },
        { id: 'planted-relu-small', planted: true, kind: 'regression' },
      ],
      methods: ['magnitude-global', 'random', 'hostile'],
      sparsities: [0.5, 0.9],
      seeds: [0, 1],
      controls: ['shuffled'],
      failEvery: 13,
      incompleteMethods: ['random'],
      structured: { methods: ['neuron-a', 'hostile'], structures: ['neuron', '2:4'], ratios: [0.5, 0.75] },
    }),
  );
  const bad = makeRecord({ task: 'mnist-small', method: 'random', seed: 9 }) as Record<string, unknown>;
  (bad.metrics as Record<string, unknown>).accuracy = 7;
  mkdirSync(join(results, 'runs', 'broken'), { recursive: true });
  writeFileSync(join(results, 'runs', 'broken', 'bad.json'), JSON.stringify(bad));
  writeFileSync(join(results, 'runs', 'broken', 'truncated.json'), '{"schemaVersion": 1, "id": ');
  // The schema restricts task ids, so a hostile one never reaches a page: it is rejected, and its
  // rejection message (which quotes the id) is escaped like everything else.
  const hostileTask = makeRecord({ task: 'mnist-small', method: 'random', seed: 8 }) as { job: { task: { id: string } } };
  hostileTask.job.task.id = HOSTILE_TASK;
  writeFileSync(join(results, 'runs', 'broken', 'hostile-task.json'), JSON.stringify(hostileTask));
  writeFileSync(join(results, 'suites.json'), JSON.stringify({ smoke: { tasks: [] } }));
  writeManifests(methods, [
    syntheticManifest('magnitude-global', { name: 'Global magnitude' }),
    syntheticManifest('hostile', {
      name: HOSTILE_NAME,
      description: `Description with ${HOSTILE_NAME} & "quotes"`,
      paper: {
        title: HOSTILE_NAME,
        authors: '<b>bold</b>',
        year: 2020,
        url: 'javascript:alert(1)',
        bibtex: `@misc{x, title={${HOSTILE_NAME}}}`,
      },
    }),
    syntheticManifest('registered-only'),
  ]);
  return { results, methods };
}

describe('buildSite on a small synthetic record set', () => {
  const root = mkdtempSync(join(tmpdir(), 'prunebench-site-'));
  const out = join(root, 'site');
  let dirs: { results: string; methods: string };
  let result: BuildSiteResult;

  beforeAll(async () => {
    dirs = writeFixture(root);
    result = await buildSite({ resultsDir: dirs.results, methodsDir: dirs.methods, outDir: out, suites, tasks });
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('produces every page', () => {
    const expected = ['index.html', 'methods.html', 'protocol.html', 'cite.html', 'changelog.html', 'rejected.html', 'releases.html'];
    for (const page of expected) expect(result.pages).toContain(page);
    for (const method of ['magnitude-global', 'random', 'hostile', 'registered-only'])
      expect(result.pages).toContain(`methods/${method}.html`);
    expect(result.pages.filter((p) => p.startsWith('tasks/'))).toHaveLength(3);
    expect(result.pages).toContain('tasks/mnist-small-v1.html');
    expect(result.pages).toContain('structured.html');
    expect(result.pages.filter((p) => p.startsWith('structured/')).sort()).toEqual([
      'structured/mnist-small-v1-2-4.html',
      'structured/mnist-small-v1-neuron.html',
      'structured/planted-circle-small-v1-2-4.html',
      'structured/planted-circle-small-v1-neuron.html',
      'structured/planted-relu-small-v1-2-4.html',
      'structured/planted-relu-small-v1-neuron.html',
    ]);
    expect(result.pages).toContain('methods/neuron-a.html');
    expect(allHtml(out)).toEqual([...result.pages].sort());
    expect(result.bytes).toBeGreaterThan(10_000);
    expect(existsSync(join(out, 'assets', 'style.css'))).toBe(true);
    expect(existsSync(join(out, 'assets', 'sort.js'))).toBe(true);
  });

  it('has no broken internal link, no absolute link, no duplicate id', () => {
    expect(brokenLinks(out, result.pages)).toEqual([]);
    for (const page of result.pages)
      expect({ page, dupes: duplicateIds(readFileSync(join(out, page), 'utf8')) }).toEqual({ page, dupes: [] });
  });

  it('escapes every string from records and manifests', () => {
    for (const page of result.pages) {
      const html = readFileSync(join(out, page), 'utf8');
      expect(html).not.toContain(HOSTILE_NAME);
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<b>bold</b>');
      expect(html).not.toMatch(/href="javascript:/i);
      // The only script is our own sorting script.
      for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/^<script src="(\.\.\/)*assets\/sort\.js" defer>$/);
    }
    const methodPage = readFileSync(join(out, 'methods', 'hostile.html'), 'utf8');
    expect(methodPage).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(methodPage).toContain('&lt;b&gt;bold&lt;/b&gt;');
    const taskPage = readFileSync(join(out, 'tasks', 'mnist-small-v1.html'), 'utf8');
    // in tables; plot legends name method ids (plots.test.ts checks that Vega escapes those)
    expect(taskPage).toContain('>&lt;script&gt;alert(1)&lt;/script&gt;</a>');
    expect(taskPage).toMatch(/<text[^>]*>hostile<\/text>/);
  });

  it('writes CSV and JSON downloads equal to every table', async () => {
    const prepared = await prepareSite({ resultsDir: dirs.results, methodsDir: dirs.methods, outDir: out, suites, tasks });
    const pages = await sitePages(prepared.current, true);
    let checked = 0;
    for (const page of pages) {
      const html = readFileSync(join(out, page.path), 'utf8');
      const shown = pageTables(html);
      expect(shown.map((t) => t.id)).toEqual(page.tables.map((t) => t.id));
      const dir = join(out, page.path, '..');
      for (const spec of page.tables) {
        const table = shown.find((t) => t.id === spec.id)!;
        const json = JSON.parse(readFileSync(join(dir, table.jsonHref), 'utf8')) as { fields: string[]; rows: DataRow[] };
        const csv = parseCsv(readFileSync(join(dir, table.csvHref), 'utf8'));
        // JSON = the table's data
        expect(json.fields).toEqual(spec.fields);
        expect(json.rows).toEqual(spec.rows.map((r) => Object.fromEntries(spec.fields.map((f) => [f, r[f] ?? null]))));
        // CSV = the JSON
        expect(csv[0]).toEqual(json.fields);
        expect(csv.slice(1)).toEqual(json.rows.map((r) => json.fields.map((f) => parseCsv(`${csvValue(r[f])}\n`)[0]?.[0] ?? '')));
        // HTML = the JSON, formatted by the table's columns
        expect(table.headers).toEqual(spec.columns.map((c) => c.label));
        expect(table.rows).toEqual(json.rows.map((r) => spec.columns.map((c) => c.text(r))));
        expect(table.ariaSort.filter(Boolean)).toEqual([spec.sortedBy.direction]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  }, 60_000);

  it('lists rejected records and manifests with file and JSON path', () => {
    const tables = pageTables(readFileSync(join(out, 'rejected.html'), 'utf8'));
    const records = tables.find((t) => t.id === 'rejected-records')!;
    expect(records.rows.map((row) => row[0])).toEqual([
      'runs/broken/bad.json',
      'runs/broken/hostile-task.json',
      'runs/broken/truncated.json',
    ]);
    expect(records.rows[0][1]).toContain('/metrics/accuracy: must be <= 1');
    expect(records.rows[1][1]).toContain('/job/task/id: must match pattern');
    expect(records.rows[2][1]).toMatch(/^malformed JSON/);
    const home = readFileSync(join(out, 'index.html'), 'utf8');
    expect(home).toContain('3 file(s) failed validation');
  });

  it('gives every plot role="img", an aria-label and a title', () => {
    const html = readFileSync(join(out, 'tasks', 'planted-circle-small-v1.html'), 'utf8');
    const svgs = html.match(/<svg [^>]*>/g) ?? [];
    expect(svgs.length).toBe(4);
    for (const svg of svgs) {
      expect(svg).toContain('role="img"');
      expect(svg).toMatch(/aria-label="[^"]+"/);
    }
    expect((html.match(/<svg [^>]*><title>[^<]+<\/title>/g) ?? []).length).toBe(4);
    expect(html).toContain('Recovery of the planted ticket');
    const regression = readFileSync(join(out, 'tasks', 'planted-relu-small-v1.html'), 'utf8');
    expect(regression).toContain('MSE against compression');
    expect(regression).not.toContain('Reliability diagrams');
  });

  it('shows release, commit and build date on every page', () => {
    for (const page of result.pages) {
      const html = readFileSync(join(out, page), 'utf8');
      expect(html).toMatch(
        /Release <strong>unreleased<\/strong>.*commit <code>unknown \(built outside a git checkout; the records name no commit\)<\/code>.*built \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
      );
    }
    // The results date is the newest record's, not the build time.
    const newest = readdirSync(join(dirs.results, 'runs'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .flatMap((e) => {
        try {
          return [JSON.parse(readFileSync(join(e.parentPath, e.name), 'utf8')).provenance.date as string];
        } catch {
          return [];
        }
      })
      .filter((d) => typeof d === 'string')
      .sort()
      .pop()!;
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(
      `<dt>Results date</dt><dd>${newest.slice(0, 10)} ${newest.slice(11, 16)} UTC</dd>`,
    );
  });

  it('removes pages of a previous build that no longer exist, and nothing else', async () => {
    const other = join(root, 'site2');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'keep-me.txt'), 'not ours');
    await buildSite({ resultsDir: dirs.results, methodsDir: dirs.methods, outDir: other, suites, tasks });
    expect(existsSync(join(other, 'tasks', 'planted-relu-small-v1.html'))).toBe(true);
    rmSync(join(dirs.results, 'runs', 'planted-relu-small'), { recursive: true });
    const again = await buildSite({ resultsDir: dirs.results, methodsDir: dirs.methods, outDir: other, suites, tasks });
    expect(again.pages).not.toContain('tasks/planted-relu-small-v1.html');
    expect(existsSync(join(other, 'tasks', 'planted-relu-small-v1.html'))).toBe(false);
    expect(existsSync(join(other, 'tasks', 'planted-relu-small-v1.ranking.csv'))).toBe(false);
    expect(existsSync(join(other, 'keep-me.txt'))).toBe(true);
    expect(brokenLinks(other, again.pages)).toEqual([]);
  }, 60_000);

  it('builds an empty site when there are no results and no manifests', async () => {
    const empty = join(root, 'empty');
    const r = await buildSite({
      resultsDir: join(root, 'nothing'),
      methodsDir: join(root, 'nothing-either'),
      outDir: empty,
      suites,
      tasks,
    });
    expect(r.pages.sort()).toEqual([
      'changelog.html',
      'cite.html',
      'index.html',
      'methods.html',
      'protocol.html',
      'rejected.html',
      'releases.html',
      'reproductions.html',
      'structured.html',
    ]);
    expect(readFileSync(join(empty, 'releases.html'), 'utf8')).toContain('No release yet');
    expect(readFileSync(join(empty, 'index.html'), 'utf8')).not.toContain('Current release');
    expect(readFileSync(join(empty, 'index.html'), 'utf8')).toContain('No leaderboard results yet');
    expect(readFileSync(join(empty, 'structured.html'), 'utf8')).toContain('No structured results yet');
    expect(brokenLinks(empty, r.pages)).toEqual([]);
  }, 60_000);
});

describe('buildSite with releases', () => {
  const root = mkdtempSync(join(tmpdir(), 'prunebench-releases-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.org',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.org',
      },
    }).toString();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const scores = (a: number, b: number) =>
    ['a', 'b'].flatMap((method) =>
      [0, 1, 2].map((seed) =>
        makeRecord({ task: 'mnist-r', method, sparsity: 0.9, seed, denseAccuracy: 1, accuracy: (method === 'a' ? a : b) + seed * 0.0001 }),
      ),
    );

  it('renders each vX.Y.Z tag holding results, and the changelog and cite pages compare them', async () => {
    git('init', '-q');
    const results = join(root, 'results');
    const methods = join(root, 'methods');
    writeManifests(methods, [syntheticManifest('a'), syntheticManifest('b')]);
    writeFileSync(
      join(root, 'CITATION.cff'),
      'cff-version: 1.2.0\ntitle: PruneBench\nauthors:\n  - family-names: Doe\n    given-names: Jane\nmessage: cite it\n',
    );
    git('add', '.');
    git('commit', '-qm', 'no results yet');
    git('tag', 'v0.0.1');
    writeRecords(results, scores(0.9, 0.8));
    git('add', '.');
    git('commit', '-qm', 'first results');
    git('tag', 'v0.1.0');
    rmSync(results, { recursive: true });
    writeRecords(results, scores(0.7, 0.8));
    git('add', '-A');
    git('commit', '-qm', 'b overtakes a');
    git('tag', 'v0.2.0');
    rmSync(results, { recursive: true });
    writeRecords(results, [
      ...scores(0.7, 0.8),
      ...[0, 1, 2].map((seed) =>
        makeRecord({ task: 'mnist-r', method: 'c', sparsity: 0.9, seed, denseAccuracy: 1, accuracy: 0.95 + seed * 0.0001 }),
      ),
    ]);

    const out = join(root, 'site');
    const r = await buildSite({ resultsDir: results, methodsDir: methods, outDir: out, includeReleases: true, suites, tasks });
    expect(r.pages).toContain('v0.1.0/index.html');
    expect(r.pages).toContain('v0.2.0/tasks/mnist-r-v1.html');
    expect(r.pages.some((p) => p.startsWith('v0.0.1/'))).toBe(false);
    expect(brokenLinks(out, r.pages)).toEqual([]);

    const changelog = readFileSync(join(out, 'changelog.html'), 'utf8');
    const tables = pageTables(changelog);
    expect(tables.map((t) => t.caption)).toEqual(['Rank changes from v0.2.0 to unreleased', 'Rank changes from v0.1.0 to v0.2.0']);
    expect(tables[1].rows.map((row) => [row[1], row[2], row[3], row[4]])).toEqual([
      ['B', 'up', '2', '1'],
      ['A', 'down', '1', '2'],
    ]);
    expect(tables[0].rows.map((row) => [row[1], row[2]])).toEqual([
      ['c', 'new'],
      ['B', 'down'],
      ['A', 'down'],
    ]);

    const cite = decodeEntities(readFileSync(join(out, 'cite.html'), 'utf8'));
    for (const tag of ['v0.0.1', 'v0.1.0', 'v0.2.0']) expect(cite).toContain(`@misc{prunebench_${tag.replace(/\./g, '_')}`);
    expect(cite).toContain('author = {Doe, Jane}');
    expect(cite).toContain('title  = {{PruneBench (leaderboard release v0.2.0)}}');
    expect(cite).toContain('href="CITATION.cff"');
    expect(existsSync(join(out, 'CITATION.cff'))).toBe(true);

    const archived = readFileSync(join(out, 'v0.1.0', 'tasks', 'mnist-r-v1.html'), 'utf8');
    expect(archived).toContain('archived release <strong>v0.1.0</strong>');
    expect(archived).toContain('href="../../assets/style.css"');
    const head = git('rev-parse', 'HEAD').trim();
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(`commit <code>${head.slice(0, 12)}</code> with uncommitted changes`);
  }, 120_000);
});

describe('buildSite with release files', () => {
  const root = mkdtempSync(join(tmpdir(), 'prunebench-release-files-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('builds a page per results/releases/vX.Y.Z.json and shows the newest on the home page', async () => {
    const results = join(root, 'results');
    const methods = join(root, 'methods');
    writeManifests(methods, [syntheticManifest('a'), syntheticManifest('b')]);
    const records = ['a', 'b'].flatMap((method) =>
      [0, 1, 2].map((seed) => makeRecord({ task: 'mnist-r', method, sparsity: 0.9, seed, denseAccuracy: 1, accuracy: 0.9 })),
    );
    writeRecords(results, records);
    const files = readdirSync(join(results, 'runs'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(results.length + 1))
      .sort();
    const suitesOf = [{ id: 'release-fixture', version: '1', jobs: 6 }];
    writeReleaseFile(results, {
      release: 'v0.1.0',
      date: '2026-12-01',
      commit: 'a'.repeat(40),
      suites: suitesOf,
      paths: files.slice(0, 3),
    });
    writeReleaseFile(results, { release: 'v0.10.0', date: '2026-12-05', commit: 'b'.repeat(40), suites: suitesOf });
    writeFileSync(join(results, 'releases', 'v0.2.0.json'), '{"releaseFormat": 1}');
    // A record v0.10.0 lists changes after the release.
    const changed = join(results, files[5]);
    writeFileSync(changed, readFileSync(changed, 'utf8').replace('"accuracy": 0.9', '"accuracy": 0.91'));

    const out = join(root, 'site');
    const r = await buildSite({ resultsDir: results, methodsDir: methods, outDir: out, suites, tasks });
    expect(r.pages).toEqual(expect.arrayContaining(['releases.html', 'releases/v0.1.0.html', 'releases/v0.10.0.html']));
    expect(r.pages).not.toContain('releases/v0.2.0.html');
    const rejectedRelease = r.rejected.find((x) => x.path === 'releases/v0.2.0.json')!;
    expect(rejectedRelease.problems.join(' ')).toMatch(/^releases\/v0\.2\.0\.json: .*release/);
    expect(rejectedRelease.problems.join(' ')).not.toContain(root);
    expect(brokenLinks(out, r.pages)).toEqual([]);

    // The newest release by version (v0.10.0 > v0.2.0 > v0.1.0), not by file name order.
    const home = decodeEntities(readFileSync(join(out, 'index.html'), 'utf8'));
    expect(home).toContain('Current release: <a href="releases/v0.10.0.html">v0.10.0</a>');
    expect(home).toContain(`Cut on 2026-12-05 from commit <code>${'b'.repeat(12)}</code>: 6 records of release-fixture v1 (6 jobs).`);
    expect(home).toContain('1 record(s) it lists are no longer in these results unchanged.');

    const page = readFileSync(join(out, 'releases', 'v0.10.0.html'), 'utf8');
    const tables = pageTables(page);
    expect(tables.map((t) => t.id)).toEqual(['suites', 'records']);
    expect(tables[0].rows).toEqual([['release-fixture', '1', '6']]);
    expect(tables[1].rows.map((row) => row[2])).toEqual(files.map((f) => f.slice(-21, -5)));
    expect(tables[1].rows[0].slice(0, 2)).toEqual(['mnist-r', 'a']);
    expect(decodeEntities(page)).toContain(`record ${files[5].slice(-21, -5)} (${files[5]}) changed since v0.10.0 (SHA-256 differs)`);
    expect(decodeEntities(page)).toContain('@misc{prunebench_v0_10_0');

    const older = decodeEntities(readFileSync(join(out, 'releases', 'v0.1.0.html'), 'utf8'));
    expect(older).toContain(
      'Every record this release lists is in these results, unchanged. 3 record(s) in these results are newer than the release.',
    );
    const index = pageTables(readFileSync(join(out, 'releases.html'), 'utf8'))[0];
    expect(index.rows.map((row) => [row[0], row[1], row[4], row[5]])).toEqual([
      ['v0.10.0', '2026-12-05', '6', '1'],
      ['v0.1.0', '2026-12-01', '3', '0'],
    ]);
  }, 60_000);
});

describe('buildSite with a paper reproduction and its full-data variant', () => {
  const root = mkdtempSync(join(tmpdir(), 'prunebench-reproductions-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gives each its own page, told apart by reproduction id and suite, linked from the full-data task page', async () => {
    const results = join(root, 'results');
    const methods = join(root, 'methods');
    writeManifests(methods, [syntheticManifest('magnitude-global')]);
    const sources = { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) };
    for (const paper of [han2015, han2015Full]) {
      const plan = planSuite(paper.suite, sources);
      const records = recordsForPlan(plan, () => ({ accuracy: 0.97, denseAccuracy: 0.98 }));
      for (const record of records) new ResultStore(results).write(record);
      const provenance = { prunebenchVersion: '0.1.0', gitCommit: null, gitDirty: null, date: '2026-12-01T00:00:00.000Z' };
      writeReproduction(results, buildReproduction({ paper, plan, records, provenance }).record);
    }
    const out = join(root, 'site');
    const r = await buildSite({ resultsDir: results, methodsDir: methods, outDir: out, suites: listSuites(), tasks });
    expect(r.pages).toEqual(expect.arrayContaining(['reproductions/han2015.html', 'reproductions/han2015-full.html']));
    expect(brokenLinks(out, r.pages)).toEqual([]);
    const index = readFileSync(join(out, 'reproductions.html'), 'utf8');
    for (const suite of ['paper-han2015', 'paper-han2015-full']) expect(index).toContain(`>${suite}<`);
    // the scale of each reproduction shows in its tasks' training-set sizes, not a blanket "CPU scale"
    expect(index).toContain('>mnist-lenet300 (55,000), mnist-lenet5-2epochs (55,000)<');
    expect(index).toContain('>mnist-lenet300-small (10,000), mnist-lenet5-small (10,000)<');
    expect(index).not.toContain('Paper reproductions at CPU scale');
    const full = readFileSync(join(out, 'reproductions', 'han2015-full.html'), 'utf8');
    expect(full).toContain('reproduction <code>han2015-full</code>');
    expect(decodeEntities(full)).toContain('on mnist-lenet300 (55,000), mnist-lenet5-2epochs (55,000).');
    expect(decodeEntities(full)).toContain(
      'Full-data tasks — mnist-lenet300: 55,000 training, 5,000 validation and 10,000 test images of MNIST',
    );
    const task = readFileSync(join(out, 'tasks', 'mnist-lenet300-v1.html'), 'utf8');
    expect(task).toContain('../reproductions/han2015-full.html');
    expect(task).not.toContain('../reproductions/han2015.html');
  }, 60_000);
});
