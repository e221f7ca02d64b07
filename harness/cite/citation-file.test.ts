import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  bibtexAuthorNames,
  CitationError,
  parseCitationFile,
  projectCitationFile,
  releaseDateOf,
  summarizeCitation,
} from './citation-file.ts';

describe('reading a CITATION.cff', () => {
  const text =
    'cff-version: 1.2.0\ntitle: "PruneBench: test"\nauthors:\n  - name: PruneBench contributors\n  - family-names: Lovelace\n    given-names: Ada\ndate-released: 2026-01-02\nrepository-code: https://example.org/repo\n';

  it('parses title and authors, and names the file when either is missing', () => {
    expect(parseCitationFile(text, 'CITATION.cff').title).toBe('PruneBench: test');
    expect(() => parseCitationFile('title: x\n', 'v1.0.0:CITATION.cff')).toThrow(
      new CitationError('v1.0.0:CITATION.cff: not a CFF file with a title and authors'),
    );
    expect(() => parseCitationFile('title: [unclosed', 'broken.cff')).toThrow(/^broken\.cff: not YAML/);
  });

  it('writes authors in BibTeX form, corporate names braced, and skips entries that are neither', () => {
    expect(bibtexAuthorNames(parseCitationFile(text, 'x').authors)).toEqual(['{PruneBench contributors}', 'Lovelace, Ada']);
    expect(bibtexAuthorNames([null, 'a string', { 'given-names': 'Alan' }, {}])).toEqual(['Alan']);
    expect(bibtexAuthorNames('not a list')).toEqual([]);
  });

  it('gives the release date as YYYY-MM-DD whether YAML reads it as a string or a date', () => {
    expect(releaseDateOf(parseCitationFile(text, 'x'))).toBe('2026-01-02');
    expect(releaseDateOf({ title: 't', authors: [], 'date-released': new Date('2026-03-04T00:00:00Z') })).toBe('2026-03-04');
    expect(releaseDateOf({ title: 't', authors: [] })).toBeNull();
  });

  it('summarises for the site: the repository url stands in for a missing url; unreadable text gives nulls', () => {
    expect(summarizeCitation(text)).toEqual({
      title: 'PruneBench: test',
      authors: ['{PruneBench contributors}', 'Lovelace, Ada'],
      url: 'https://example.org/repo',
      doi: null,
    });
    expect(summarizeCitation('title: [unclosed')).toEqual({ title: null, authors: [], url: null, doi: null });
    expect(summarizeCitation('')).toEqual({ title: null, authors: [], url: null, doi: null });
  });
});

describe('CITATION.cff of this repository', () => {
  const doc = parseYaml(readFileSync(projectCitationFile, 'utf8'));
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

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
