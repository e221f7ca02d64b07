/**
 * CITATION.cff, the software's citation (Citation File Format 1.2.0): read strictly for
 * `prunebench cite`, leniently for the site's cite page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** The repository's own CITATION.cff. */
export const projectCitationFile = fileURLToPath(new URL('../../CITATION.cff', import.meta.url));

export interface CffAuthor {
  name?: string;
  'family-names'?: string;
  'given-names'?: string;
}

/** The keys of a CITATION.cff that PruneBench reads; the rest are carried along untouched. */
export interface SoftwareCitation {
  title: string;
  authors: CffAuthor[];
  version?: string | number;
  'date-released'?: string | Date;
  license?: string;
  url?: string;
  'repository-code'?: string;
  doi?: string;
  [key: string]: unknown;
}

/** What the site's cite page shows of a CITATION.cff; nulls for what it lacks. */
export interface CitationSummary {
  title: string | null;
  /** In BibTeX form: "{Corporate Name}" or "Family, Given". */
  authors: string[];
  url: string | null;
  doi: string | null;
}

/** A citation that cannot be made: the message names the file or the release at fault. */
export class CitationError extends Error {}

/** Parses a CITATION.cff; `where` names it in the error when it lacks a title or authors. */
export function parseCitationFile(text: string, where: string): SoftwareCitation {
  let cff: unknown;
  try {
    cff = parseYaml(text);
  } catch (e) {
    throw new CitationError(`${where}: not YAML: ${(e as Error).message}`);
  }
  const fields = cff as Partial<SoftwareCitation> | null;
  if (!fields || typeof fields.title !== 'string' || !Array.isArray(fields.authors))
    throw new CitationError(`${where}: not a CFF file with a title and authors`);
  return fields as SoftwareCitation;
}

export function readCitationFile(file: string): SoftwareCitation {
  if (!existsSync(file)) throw new CitationError(`${file} does not exist`);
  return parseCitationFile(readFileSync(file, 'utf8'), file);
}

/** CFF authors in BibTeX form, "{Corporate Name}" or "Family, Given"; entries that are neither are left out. */
export function bibtexAuthorNames(authors: unknown): string[] {
  if (!Array.isArray(authors)) return [];
  return authors
    .filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null)
    .map((a) =>
      typeof a.name === 'string' ? `{${a.name}}` : [a['family-names'], a['given-names']].filter((x) => typeof x === 'string').join(', '),
    )
    .filter(Boolean);
}

/** The title, authors, url and DOI of a CITATION.cff text; all empty when it does not parse. */
export function summarizeCitation(text: string): CitationSummary {
  let cff: Record<string, unknown>;
  try {
    cff = (parseYaml(text) ?? {}) as Record<string, unknown>;
  } catch {
    return { title: null, authors: [], url: null, doi: null };
  }
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  return {
    title: str(cff.title),
    authors: bibtexAuthorNames(cff.authors),
    url: str(cff.url) ?? str(cff['repository-code']),
    doi: str(cff.doi),
  };
}

/** The release date of a CITATION.cff as YYYY-MM-DD (YAML may hand back a Date). */
export function releaseDateOf(cff: SoftwareCitation): string | null {
  const value = cff['date-released'];
  if (value === undefined) return null;
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
}
