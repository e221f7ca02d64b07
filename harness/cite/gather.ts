/**
 * What a citation covers: the software (CITATION.cff), a leaderboard release (its release file, or
 * its vX.Y.Z git tag: the CITATION.cff, commit and date at the tag), and the methods with records in
 * that release, or in the results directory when no release is named.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MethodManifest } from '../../api/method-api.ts';
import { expandVariants } from '../../api/method-variants.ts';
import { Repository } from '../git/repository.ts';
import { readReleaseFile, releaseFilePath } from '../release/release.ts';
import { CitationError, parseCitationFile, readCitationFile, type SoftwareCitation } from './citation-file.ts';

export interface CitationRequest {
  /** A release name (vX.Y.Z); absent: the working tree's results. */
  release?: string;
  resultsDir: string;
  methodsDir: string;
  citationFile: string;
}

export interface CitedRelease {
  tag: string;
  commit: string;
  /** YYYY-MM-DD of the tagged commit, or the release file's date. */
  date: string;
  /** Read from results/releases/<tag>.json rather than from a git tag. */
  fromFile?: boolean;
}

export interface CitedMethod {
  id: string;
  /** Null when no manifest declares the id. */
  manifest: MethodManifest | null;
}

export interface CitationSubject {
  software: SoftwareCitation;
  release: CitedRelease | null;
  methods: CitedMethod[];
  /** The commit the cited records are at; null outside a repository. */
  commit: string | null;
}

/** Method ids from record paths `runs/<task>/<method>[+<control>]/<id>.json` (dense runs excluded). */
export function methodIdsFromRecordPaths(paths: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const p of paths) {
    const m = /(?:^|\/)runs\/[^/]+\/([^/]+)\/[0-9a-f]{16}\.json$/.exec(p);
    if (m && m[1] !== 'dense') ids.add(m[1]!.split('+')[0]!);
  }
  return [...ids].sort();
}

function recordPathsUnder(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((t) => t.isDirectory())
    .flatMap((t) =>
      readdirSync(join(runsDir, t.name), { withFileTypes: true })
        .filter((m) => m.isDirectory())
        .flatMap((m) => readdirSync(join(runsDir, t.name, m.name)).map((f) => `runs/${t.name}/${m.name}/${f}`)),
    );
}

/** Manifests by method id, with the variants each declares (a variant cites its own paper). */
function manifestsWithVariants(texts: readonly string[]): Map<string, MethodManifest> {
  const byId = new Map<string, MethodManifest>();
  for (const text of texts) {
    try {
      for (const m of expandVariants(JSON.parse(text) as MethodManifest)) byId.set(m.id, m);
    } catch {
      // an unreadable manifest cites nothing; validate reports it
    }
  }
  return byId;
}

function manifestsOnDisk(methodsDir: string): Map<string, MethodManifest> {
  const folders = existsSync(methodsDir) ? readdirSync(methodsDir).filter((f) => existsSync(join(methodsDir, f, 'manifest.json'))) : [];
  return manifestsWithVariants(folders.map((f) => readFileSync(join(methodsDir, f, 'manifest.json'), 'utf8')));
}

function citedMethods(ids: readonly string[], manifests: ReadonlyMap<string, MethodManifest>): CitedMethod[] {
  return ids.map((id) => ({ id, manifest: manifests.get(id) ?? null }));
}

export async function gatherCitation(request: CitationRequest): Promise<CitationSubject> {
  const resultsDir = resolve(request.resultsDir);
  const methodsDir = resolve(request.methodsDir);
  const citationFile = resolve(request.citationFile);
  const repo = await Repository.open(resultsDir);

  if (!request.release) {
    const ids = methodIdsFromRecordPaths(recordPathsUnder(join(resultsDir, 'runs')));
    return {
      software: readCitationFile(citationFile),
      release: null,
      methods: citedMethods(ids, manifestsOnDisk(methodsDir)),
      commit: (await repo?.head()) ?? null,
    };
  }

  // The release file names the commit, date and records: no git tag needed (tags do not always travel with a clone).
  const releaseFile = releaseFilePath(resultsDir, request.release);
  if (existsSync(releaseFile)) {
    const frozen = readReleaseFile(releaseFile);
    const ids = methodIdsFromRecordPaths(frozen.records.map((r) => r.path));
    return {
      software: readCitationFile(citationFile),
      release: { tag: frozen.release, commit: frozen.commit, date: frozen.date, fromFile: true },
      methods: citedMethods(ids, manifestsOnDisk(methodsDir)),
      commit: frozen.commit,
    };
  }
  if (!repo)
    throw new CitationError(
      `--release ${request.release}: no ${releaseFile}, and ${resultsDir} is not in a git repository, so it has no release tags`,
    );
  const tags = await repo.releaseTags();
  const tag = tags.find((t) => t.tag === request.release);
  if (!tag) {
    throw new CitationError(
      `unknown release '${request.release}'; known releases: ${tags.length ? tags.map((t) => t.tag).join(', ') : 'none (no vX.Y.Z tags in this repository)'}`,
    );
  }
  const inRepository = (path: string, what: string): string => {
    const rel = repo.relativePath(path);
    if (rel === null)
      throw new CitationError(`${what} ${path} is outside the repository at ${repo.root}, so release ${tag.tag} cannot hold it`);
    return rel;
  };
  const citationRel = inRepository(citationFile, 'the citation file');
  const cffText = await repo.fileAt(tag.tag, citationRel);
  if (cffText === null) throw new CitationError(`release ${tag.tag} has no ${citationRel}`);
  const resultsRel = inRepository(resultsDir, 'the results directory');
  const ids = methodIdsFromRecordPaths(await repo.pathsAt(tag.tag, `${resultsRel === '' ? '' : `${resultsRel}/`}runs`));
  const methodsRel = inRepository(methodsDir, 'the methods directory');
  const manifestDepth = methodsRel.split('/').filter(Boolean).length + 2;
  const manifestFiles = await repo.filesAt(
    tag.tag,
    methodsRel,
    (f) => /\/[^/]+\/manifest\.json$/.test(`/${f}`) && f.split('/').length === manifestDepth,
  );
  return {
    software: parseCitationFile(cffText, `${tag.tag}:${citationRel}`),
    release: { tag: tag.tag, commit: tag.commit, date: tag.date.slice(0, 10) },
    methods: citedMethods(ids, manifestsWithVariants(manifestFiles.map((f) => f.text))),
    commit: tag.commit,
  };
}
