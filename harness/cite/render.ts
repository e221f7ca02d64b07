/** A citation subject (gather.ts) written out as BibTeX entries or as a CFF 1.2.0 document. */
import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import { stringify as stringifyYaml } from 'yaml';
import type { MethodManifest } from '../../api/method-api.ts';
import { bibtexAuthorNames, releaseDateOf, type SoftwareCitation } from './citation-file.ts';
import type { CitationSubject, CitedRelease } from './gather.ts';

function bibtexEntry(type: string, key: string, fields: Array<[string, string | null | undefined]>): string {
  const present = fields.filter(([, v]) => v !== null && v !== undefined && v !== '');
  return `@${type}{${key},\n${present.map(([k, v]) => `  ${k} = {${v}}`).join(',\n')}\n}`;
}

function softwareBibtex(cff: SoftwareCitation): string {
  const date = releaseDateOf(cff);
  return bibtexEntry('software', 'prunebench', [
    ['title', cff.title.replace(/PruneBench/g, '{PruneBench}')],
    ['author', bibtexAuthorNames(cff.authors).join(' and ')],
    ['version', cff.version === undefined ? null : String(cff.version)],
    ['year', date?.slice(0, 4)],
    ['date', date],
    ['license', cff.license],
    ['url', cff.url ?? cff['repository-code']],
    ['doi', cff.doi],
  ]);
}

function releaseBibtex(cff: SoftwareCitation, release: CitedRelease): string {
  return bibtexEntry('misc', `prunebench_${release.tag.replace(/\./g, '_')}`, [
    ['title', `{PruneBench} leaderboard, release ${release.tag}`],
    ['author', bibtexAuthorNames(cff.authors).join(' and ')],
    ['year', release.date.slice(0, 4)],
    ['date', release.date],
    ['version', release.tag],
    ['url', cff.url ?? cff['repository-code']],
    [
      'note',
      release.fromFile
        ? `release file results/releases/${release.tag}.json, records of commit ${release.commit}`
        : `git tag ${release.tag}, commit ${release.commit}`,
    ],
  ]);
}

const CFF_REFERENCE_TYPES: Record<string, string> = {
  'paper-conference': 'conference-paper',
  'article-journal': 'article',
  article: 'article',
  book: 'book',
  chapter: 'book',
  thesis: 'thesis',
  report: 'report',
};

/** A method's paper as a CFF reference, from its BibTeX (authors, venue) and manifest (url, year). */
function cffReference(manifest: MethodManifest): Record<string, unknown> {
  const paper = manifest.paper!;
  // biome-ignore lint/suspicious/noExplicitAny: citation-js hands back untyped CSL-JSON; every field read below is checked.
  const csl = (new Cite(paper.bibtex, { forceType: '@bibtex/text' }).data as Array<Record<string, any>>)[0] ?? {};
  const type = CFF_REFERENCE_TYPES[csl.type] ?? 'generic';
  const authors =
    Array.isArray(csl.author) && csl.author.length
      ? csl.author.map((a: { given?: string; family?: string; literal?: string }) =>
          a.family ? { 'family-names': a.family, ...(a.given ? { 'given-names': a.given } : {}) } : { name: a.literal ?? String(a.given) },
        )
      : paper.authors.split(',').map((name) => ({ name: name.trim() }));
  const reference: Record<string, unknown> = { type, title: paper.title, authors, year: paper.year, url: paper.url };
  if (csl['container-title']) reference[type === 'article' ? 'journal' : 'collection-title'] = csl['container-title'];
  return reference;
}

/** The software, the release (or a note that the records are not one) and each method's paper once, as BibTeX. */
export function renderBibtex({ software, release, methods, commit }: CitationSubject): string {
  const out: string[] = [];
  out.push('% PruneBench, the software', softwareBibtex(software), '');
  if (release) out.push(`% The leaderboard release ${release.tag}`, releaseBibtex(software, release), '');
  else
    out.push(
      `% No --release given: the methods below have records in the results directory${commit ? ` at commit ${commit}` : ''}, which is not a release; cite a release (prunebench cite --release vX.Y.Z) for numbers others can look up.`,
      '',
    );
  out.push(`% The ${methods.length} methods with records${release ? ` in ${release.tag}` : ''}`);
  const seenKeys = new Set<string>();
  for (const m of methods) {
    if (!m.manifest) out.push(`% ${m.id}: no manifest found`);
    else if (!m.manifest.paper) out.push(`% ${m.id} (${m.manifest.name}): no paper`);
    else {
      const key = /@\w+\s*\{\s*([^,\s]+)/.exec(m.manifest.paper.bibtex)?.[1] ?? m.id;
      if (seenKeys.has(key)) {
        out.push(`% ${m.id}: see ${key} above`);
        continue;
      }
      seenKeys.add(key);
      out.push(`% ${m.id} (${m.manifest.name})`, m.manifest.paper.bibtex.trim());
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The CITATION.cff with the release's version, commit and date, and the methods' papers as references. */
export function renderCff({ software, release, methods, commit }: CitationSubject): string {
  const doc: Record<string, unknown> = { ...software };
  if (release) {
    doc.version = release.tag;
    doc.commit = release.commit;
    doc['date-released'] = release.date;
  } else if (commit) {
    doc.commit = commit;
  }
  const byTitle = new Map<string, Record<string, unknown>>();
  for (const m of methods)
    if (m.manifest?.paper && !byTitle.has(m.manifest.paper.title)) byTitle.set(m.manifest.paper.title, cffReference(m.manifest));
  if (byTitle.size) doc.references = [...byTitle.values()];
  const what = release
    ? `leaderboard release ${release.tag} (commit ${release.commit})`
    : `the software${commit ? ` at commit ${commit}` : ''}`;
  return `# Citation of PruneBench, ${what}; references: the papers of the methods with records in it.\n${stringifyYaml(doc, { lineWidth: 0 })}`;
}
