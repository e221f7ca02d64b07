import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import { gatherCitation, methodIdsFromRecordPaths, type CitationRequest } from './gather.ts';
import { renderBibtex, renderCff } from './render.ts';
import { CitationError } from './citation-file.ts';
import { bibtexProblems } from '../validate/bibtex.ts';

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

function request(release?: string): CitationRequest {
  return { release, resultsDir: join(repo, 'results'), methodsDir: join(repo, 'methods'), citationFile: join(repo, 'CITATION.cff') };
}

async function bibtex(release?: string): Promise<string> {
  return renderBibtex(await gatherCitation(request(release)));
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

describe('citations of the software, of a release and of its methods', () => {
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
    const out = await bibtex('v0.1.0');
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
    const doc = parseYaml(renderCff(await gatherCitation(request('v0.2.0'))));
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
    expect(await bibtex('v0.1.0')).toContain('version = {0.1.0}');
    expect(await bibtex('v0.2.0')).toContain('version = {0.2.0}');
  });

  it('without --release cites the software and the methods with records in the results directory', async () => {
    const out = await bibtex();
    expect(out).not.toContain('@misc{');
    expect(out).toMatch(/not a release; cite a release/);
    expect((new Cite(out, { forceType: '@bibtex/text' }).data as Array<{ id: string }>).map((e) => e.id)).toEqual([
      'prunebench',
      'lovelace2020alpha',
      'turing2021gamma',
    ]);
  });

  it('rejects an unknown release, listing the known ones', async () => {
    const unknown = gatherCitation(request('v9.9.9'));
    await expect(unknown).rejects.toThrow(CitationError);
    await expect(unknown).rejects.toThrow("unknown release 'v9.9.9'; known releases: v0.1.0, v0.2.0");
  });

  it('names the release file, the missing CITATION.cff and a citation file outside the repository', async () => {
    await expect(gatherCitation({ ...request(), citationFile: join(repo, 'NOPE.cff') })).rejects.toThrow(
      `${join(repo, 'NOPE.cff')} does not exist`,
    );
    const outside = join(mkdtempSync(join(tmpdir(), 'pb-cite-outside-')), 'CITATION.cff');
    writeFileSync(outside, cff('9.9.9'));
    await expect(gatherCitation({ ...request('v0.1.0'), citationFile: outside })).rejects.toThrow(
      /the citation file .* is outside the repository/,
    );
  });
});
