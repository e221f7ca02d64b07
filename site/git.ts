/** Git access for the site: build provenance, release tags and the files a tag holds. */
import { existsSync, realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

export interface GitInfo {
  /** Top-level directory of the repository, null when not in one. */
  root: string | null;
  commit: string | null;
  dirty: boolean | null;
}

export interface ReleaseTag {
  tag: string;
  version: [number, number, number];
  commit: string;
  /** ISO date of the tagged commit. */
  date: string;
}

export interface TreeFile {
  /** Path relative to the repository root, with '/' separators. */
  path: string;
  text: string;
}

const RELEASE_TAG = /^v(\d+)\.(\d+)\.(\d+)$/;

function nearestExistingDir(dir: string): string | null {
  let current = resolve(dir);
  while (!existsSync(current)) {
    const parent = resolve(current, '..');
    if (parent === current) return null;
    current = parent;
  }
  return current;
}

async function gitFor(dir: string): Promise<{ git: SimpleGit; root: string } | null> {
  const existing = nearestExistingDir(dir);
  if (!existing) return null;
  try {
    const git = simpleGit(existing);
    if (!(await git.checkIsRepo())) return null;
    const root = (await git.revparse(['--show-toplevel'])).trim();
    return { git: simpleGit(root), root };
  } catch {
    return null;
  }
}

/** Commit and dirty flag of the repository holding `dir`; all null outside a repository. */
export async function gitInfo(dir: string): Promise<GitInfo> {
  const repo = await gitFor(dir);
  if (!repo) return { root: null, commit: null, dirty: null };
  let commit: string | null = null;
  let dirty: boolean | null = null;
  try {
    commit = (await repo.git.revparse(['HEAD'])).trim();
  } catch {
    // a repository without commits has no HEAD
  }
  try {
    dirty = !(await repo.git.status()).isClean();
  } catch {
    dirty = null;
  }
  return { root: repo.root, commit, dirty };
}

function compareVersions(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Tags named vX.Y.Z, oldest version first. */
export async function releaseTags(dir: string): Promise<ReleaseTag[]> {
  const repo = await gitFor(dir);
  if (!repo) return [];
  const names = (await repo.git.tags()).all.filter((t) => RELEASE_TAG.test(t));
  const tags: ReleaseTag[] = [];
  for (const tag of names) {
    const m = RELEASE_TAG.exec(tag)!;
    const commit = (await repo.git.revparse([`${tag}^{commit}`])).trim();
    const date = (await repo.git.raw(['log', '-1', '--format=%cI', commit])).trim();
    tags.push({ tag, version: [Number(m[1]), Number(m[2]), Number(m[3])], commit, date });
  }
  return tags.sort((a, b) => compareVersions(a.version, b.version));
}

/** `dir` relative to the repository root, '/'-separated; null when outside the repository. */
export function repoRelative(root: string, dir: string): string | null {
  const existing = nearestExistingDir(dir);
  if (!existing) return null;
  const realRoot = realpathSync(root);
  const suffix = relative(existing, resolve(dir));
  const rel = relative(realRoot, resolve(realpathSync(existing), suffix));
  if (rel.startsWith('..') || resolve(rel) === rel) return null;
  return rel.split(sep).join('/');
}

/**
 * Files under `dirPath` (repository-relative) at `rev` whose path passes `keep`. Blobs are read in
 * batches with one `git show` each: its output is the blobs back to back, split by their sizes.
 */
export async function readTreeFiles(root: string, rev: string, dirPath: string, keep: (path: string) => boolean): Promise<TreeFile[]> {
  const git = simpleGit(root);
  let listing: string;
  try {
    listing = await git.raw(['ls-tree', '-r', '-l', '-z', rev, '--', dirPath === '' ? '.' : dirPath]);
  } catch {
    return [];
  }
  const entries = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [, type, , size] = line.slice(0, tab).split(/\s+/);
      return { type, size: Number(size), path: line.slice(tab + 1) };
    })
    .filter((e) => e.type === 'blob' && keep(e.path));
  const files: TreeFile[] = [];
  const batchSize = 200;
  for (let i = 0; i < entries.length; i += batchSize) {
    const batch = entries.slice(i, i + batchSize);
    const buffer = await git.showBuffer(batch.map((e) => `${rev}:${e.path}`));
    let offset = 0;
    for (const e of batch) {
      files.push({ path: e.path, text: buffer.subarray(offset, offset + e.size).toString('utf8') });
      offset += e.size;
    }
    if (offset !== buffer.length) throw new Error(`git show returned ${buffer.length} bytes for ${offset} expected at ${rev}`);
  }
  return files;
}

/** One file at `rev`, or null when absent. */
export async function readFileAt(root: string, rev: string, path: string): Promise<string | null> {
  const files = await readTreeFiles(root, rev, path, (p) => p === path);
  return files[0]?.text ?? null;
}
