import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';

/** Problems parsing a BibTeX string (empty when it parses to at least one entry). */
export function bibtexProblems(bibtex: string): string[] {
  try {
    const parsed = new Cite(bibtex, { forceType: '@bibtex/text' });
    if (parsed.data.length === 0) return ['BibTeX contains no entry'];
    const missing = (parsed.data as Array<Record<string, unknown>>).flatMap((e) =>
      e.title ? [] : [`entry '${String(e.id)}' has no title`],
    );
    return missing;
  } catch (e) {
    return [`BibTeX does not parse: ${(e as Error).message}`];
  }
}
