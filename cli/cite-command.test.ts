import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import { citeCommand, methodIdsFromRecordPaths, type CiteOptions } from './cite-command.ts';
import { bibtexProblems } from '../harness/validate/bibtex.ts';

const projectRoot = new URL('../', import.meta.url).pathname;
let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

function write(path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

function manifest(id: string, paper?: { title: string; bibtex: string }): string {
  return JSON.stringify({
    id,
    name: `Method ${id}`,
    version: '1.0.0',
    description: 'test',
    when: 'init',
    scope: 'global',
    needs: [],
    hyperparameters: {},
    ...(paper
      ? {
          paper: {
            title: paper.title,
            authors: 'Ada Lovelace, Alan M. Turing',
            year: 2020,
            url: `https://example.org/${id}`,
            bibtex: paper.bibtex,
          },
        }
      : {}),
  });
}

const alphaBib =
  '@inproceedings{lovelace2020alpha,\n  title = {Alpha Pruning},\n  author = {Lovelace, Ada and Turing, Alan M.},\n  booktitle = {Proceedings of Tests},\n  year = {2020}\n}';
const gammaBib =
  '@article{turing2021gamma,\n  title = {Gamma Pruning},\n  author = {Turing, Alan M.},\n  journal = {Journal of Tests},\n  year = {2021}\n}';
const cff = (version: string) =>
  `cff-version: 1.2.0\nmessage: Cite it.\ntitle: "PruneBench: test"\nauthors:\n  - name: PruneBench contributors\nversion: ${version}\ndate-released: "2026-01-01"\nlicense: MIT\n`;

async function cite(opts: Partial<CiteOptions>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  const err: string[] = [];
  const code = await citeCommand(
    {
      format: 'bibtex',
      results: join(repo, 'results'),
      methodsDir: join(repo, 'methods'),
      citationFile: join(repo, 'CITATION.cff'),
      ...opts,
    },
    (t) => (out += t),
    (l) => err.push(l),
  );
  return { code, out, err: err.join('\n') };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'pb-cite-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.org');
  git('config', 'user.name', 'Test');
  write('CITATION.cff', cff('0.1.0'));
  write('methods/alpha/manifest.json', manifest('alpha', { title: 'Alpha Pruning', bibtex: alphaBib }));
  write('methods/beta/manifest.json', manifest('beta'));
  write('methods/gamma/manifest.json', manifest('gamma', { title: 'Gamma Pruning', bibtex: gammaBib }));
  write('results/runs/task-a/dense/0000000000000001.json', '{}');
  write('results/runs/task-a/alpha/0000000000000002.json', '{}');
  write('results/runs/task-a/beta+shuffled/0000000000000003.json', '{}');
  git('add', '-A');
  git('commit', '-q', '-m', 'release 0.1.0');
  git('tag', 'v0.1.0');
  write('CITATION.cff', cff('0.2.0'));
  write('results/runs/task-b/gamma/0000000000000004.json', '{}');
  git('add', '-A');
  git('commit', '-q', '-m', 'gamma');
  git('tag', 'v0.2.0');
  git('tag', 'not-a-release');
});

describe('prunebench cite', () => {
  it('finds method ids from record paths, controls folded in, dense runs left out', () => {
    expect(
      methodIdsFromRecordPaths([
        'results/runs/t/dense/0123456789abcdef.json',
        'runs/t/snip+inverted/0123456789abcdef.json',
        'runs/u/snip/0123456789abcdef.json',
        'runs/u/imp/notes.md',
      ]),
    ).toEqual(['snip']);
  });

  it('prints a release as BibTeX: software, release (tag, commit) and the papers of its methods only', async () => {
    const { code, out } = await cite({ release: 'v0.1.0' });
    expect(code).toBe(0);
    const commit = git('rev-parse', 'v0.1.0^{commit}').trim();
    expect(out).toContain('version = {0.1.0}');
    expect(out).toMatch(/@misc\{prunebench_v0_1_0,[\s\S]*version = \{v0\.1\.0\}[\s\S]*note = \{git tag v0\.1\.0, commit [0-9a-f]{40}\}/);
    expect(out).toContain(commit);
    expect(out).toContain(alphaBib);
    expect(out).toContain('% beta (Method beta): no paper');
    expect(out).not.toContain('Gamma');
    const entries = new Cite(out, { forceType: '@bibtex/text' }).data as Array<{ id: string }>;
    expect(entries.map((e) => e.id)).toEqual(['prunebench', 'prunebench_v0_1_0', 'lovelace2020alpha']);
    expect(bibtexProblems(out)).toEqual([]);
  });

  it('prints a release as CFF 1.2.0 with the release as version and the papers as references', async () => {
    const { code, out } = await cite({ release: 'v0.2.0', format: 'cff' });
    expect(code).toBe(0);
    const doc = parseYaml(out);
    expect(doc['cff-version']).toBe('1.2.0');
    expect(doc.title).toBe('PruneBench: test');
    expect(doc.authors).toEqual([{ name: 'PruneBench contributors' }]);
    expect(doc.version).toBe('v0.2.0');
    expect(doc.commit).toBe(git('rev-parse', 'v0.2.0^{commit}').trim());
    expect(doc['date-released']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(doc.references).toEqual([
      {
        type: 'conference-paper',
        title: 'Alpha Pruning',
        authors: [
          { 'family-names': 'Lovelace', 'given-names': 'Ada' },
          { 'family-names': 'Turing', 'given-names': 'Alan M.' },
        ],
        year: 2020,
        url: 'https://example.org/alpha',
        'collection-title': 'Proceedings of Tests',
      },
      {
        type: 'article',
        title: 'Gamma Pruning',
        authors: [{ 'family-names': 'Turing', 'given-names': 'Alan M.' }],
        year: 2020,
        url: 'https://example.org/gamma',
        journal: 'Journal of Tests',
      },
    ]);
  });

  it('reads the citation file as it was at the release', async () => {
    expect((await cite({ release: 'v0.1.0' })).out).toContain('version = {0.1.0}');
    expect((await cite({ release: 'v0.2.0' })).out).toContain('version = {0.2.0}');
  });

  it('without --release cites the software and the methods with records in the results directory', async () => {
    const { code, out } = await cite({});
    expect(code).toBe(0);
    expect(out).not.toContain('@misc{');
    expect(out).toMatch(/not a release; cite a release/);
    expect((new Cite(out, { forceType: '@bibtex/text' }).data as Array<{ id: string }>).map((e) => e.id)).toEqual([
      'prunebench',
      'lovelace2020alpha',
      'turing2021gamma',
    ]);
  });

  it('rejects an unknown release, listing the known ones, and an unknown format', async () => {
    const unknown = await cite({ release: 'v9.9.9' });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("unknown release 'v9.9.9'; known releases: v0.1.0, v0.2.0");
    const format = await cite({ format: 'ris' });
    expect(format.code).toBe(1);
    expect(format.err).toContain('--format must be bibtex or cff');
  });
});

describe('CITATION.cff of this repository', () => {
  const doc = parseYaml(readFileSync(join(projectRoot, 'CITATION.cff'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));

  it('is CFF 1.2.0 with the required keys, the package version and the MIT license', () => {
    expect(doc['cff-version']).toBe('1.2.0');
    for (const key of ['message', 'title']) expect(typeof doc[key]).toBe('string');
    expect(doc.authors).toEqual([{ name: 'PruneBench contributors' }]);
    expect(String(doc.version)).toBe(pkg.version);
    expect(doc.license).toBe('MIT');
    expect(doc['date-released']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const allowed = [
      'cff-version',
      'message',
      'title',
      'type',
      'authors',
      'version',
      'date-released',
      'license',
      'abstract',
      'keywords',
      'repository-code',
      'url',
      'doi',
      'commit',
      'references',
      'identifiers',
    ];
    expect(Object.keys(doc).filter((k) => !allowed.includes(k))).toEqual([]);
  });
});
