/**
 * The project's one door to git (simple-git): the repository holding a directory, its commit and
 * dirty flag, release tags, files at a revision, paths relative to the repository, and the few writes
 * a release makes. Used by the runner (record provenance), validate (result history), release, cite
 * and the site (archived releases).
 */
import { existsSync, realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';

/** A leaderboard release's git tag (and release file) name: vX.Y.Z. */
export const RELEASE_NAME = /^v(\d+)\.(\d+)\.(\d+)$/;

/** Orders release names (vX.Y.Z) by version, oldest first. */
export function compareReleaseNames(a: string, b: string): number {
  const [x, y] = [versionOf(a), versionOf(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

function versionOf(name: string): [number, number, number] {
  const m = RELEASE_NAME.exec(name);
  if (!m) throw new Error(`'${name}' is not a release name (vX.Y.Z)`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export interface ReleaseTag {
  tag: string;
  version: [number, number, number];
  commit: string;
  /** ISO date-time of the tagged commit, in the committer's time zone (its first 10 characters are the day). */
  date: string;
}

export interface TreeFile {
  /** Path relative to the repository root, with '/' separators. */
  path: string;
  text: string;
}

export interface ChangedPath {
  /** Repository-relative, '/'-separated. */
  path: string;
  /** git's status letter: A added, D deleted, M modified, T type changed, … */
  status: string;
}

/** The directory itself or its nearest existing ancestor (a results directory may not exist yet). */
function nearestExistingDir(dir: string): string {
  let current = resolve(dir);
  while (!existsSync(current)) current = resolve(current, '..');
  return current;
}

export class Repository {
  private constructor(
    /** The top-level directory, symbolic links resolved. */
    readonly root: string,
    private readonly git: SimpleGit,
  ) {}

  /** The repository holding `dir` (or its nearest existing ancestor); null outside any. */
  static async open(dir: string): Promise<Repository | null> {
    try {
      const probe = simpleGit(nearestExistingDir(dir));
      if (!(await probe.checkIsRepo())) return null;
      const root = realpathSync((await probe.revparse(['--show-toplevel'])).trim());
      return new Repository(root, simpleGit(root));
    } catch {
      return null;
    }
  }

  /** The commit HEAD names; null in a repository without commits. */
  async head(): Promise<string | null> {
    try {
      return (await this.git.revparse(['HEAD'])).trim() || null;
    } catch {
      return null;
    }
  }

  /** Whether the working tree differs from HEAD (untracked files count); null when git cannot tell. */
  async isDirty(): Promise<boolean | null> {
    try {
      return !(await this.git.status()).isClean();
    } catch {
      return null;
    }
  }

  /** Paths of the working tree's changes against HEAD (staged, unstaged and untracked). */
  async changedFiles(): Promise<string[]> {
    return (await this.git.status()).files.map((f) => f.path);
  }

  async refExists(ref: string): Promise<boolean> {
    // simple-git resolves a failed command that printed nothing, so judge by the output.
    try {
      return (await this.git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() !== '';
    } catch {
      return false;
    }
  }

  /** The commit a ref (branch, tag, hash) points at. */
  async commitOf(ref: string): Promise<string> {
    return (await this.git.revparse([`${ref}^{commit}`])).trim();
  }

  /** The merge base of two refs; null when they share no history (or a shallow clone does not reach it). */
  async mergeBase(a: string, b: string): Promise<string | null> {
    return (await this.git.raw(['merge-base', a, b]).catch(() => '')).trim() || null;
  }

  async tagNames(): Promise<string[]> {
    return (await this.git.tags()).all;
  }

  /** Tags named vX.Y.Z with their commit and date, oldest version first. */
  async releaseTags(): Promise<ReleaseTag[]> {
    const names = (await this.tagNames()).filter((t) => RELEASE_NAME.test(t)).sort(compareReleaseNames);
    const tags: ReleaseTag[] = [];
    for (const tag of names) {
      const commit = await this.commitOf(tag);
      const date = (await this.git.raw(['log', '-1', '--format=%cI', commit])).trim();
      tags.push({ tag, version: versionOf(tag), commit, date });
    }
    return tags;
  }

  /** `path` relative to the repository root, '/'-separated ('' for the root); null when outside it. */
  relativePath(path: string): string | null {
    const existing = nearestExistingDir(path);
    const rel = relative(this.root, resolve(realpathSync(existing), relative(existing, resolve(path))));
    if (rel.startsWith('..') || resolve(rel) === rel) return null;
    return rel.split(sep).join('/');
  }

  /** Paths of the files under `dirPath` (repository-relative; '' for all) at `rev`; empty when `rev` or the folder is unknown. */
  async pathsAt(rev: string, dirPath: string): Promise<string[]> {
    return (await this.blobsAt(rev, dirPath)).map((e) => e.path);
  }

  /**
   * Files under `dirPath` (repository-relative) at `rev` whose path passes `keep`. Blobs are read in
   * batches with one `git show` each: its output is the blobs back to back, split by their sizes.
   */
  async filesAt(rev: string, dirPath: string, keep: (path: string) => boolean): Promise<TreeFile[]> {
    const entries = (await this.blobsAt(rev, dirPath)).filter((e) => keep(e.path));
    const files: TreeFile[] = [];
    const batchSize = 200;
    for (let i = 0; i < entries.length; i += batchSize) {
      const batch = entries.slice(i, i + batchSize);
      const buffer = await this.git.showBuffer(batch.map((e) => `${rev}:${e.path}`));
      let offset = 0;
      for (const e of batch) {
        files.push({ path: e.path, text: buffer.subarray(offset, offset + e.size).toString('utf8') });
        offset += e.size;
      }
      if (offset !== buffer.length) throw new Error(`git show returned ${buffer.length} bytes for ${offset} expected at ${rev}`);
    }
    return files;
  }

  /** One file (repository-relative path) at `rev`, or null when absent. */
  async fileAt(rev: string, path: string): Promise<string | null> {
    try {
      return await this.git.show([`${rev}:${path}`]);
    } catch {
      return null;
    }
  }

  /** Files under `dirPath` that differ between `rev` and the working tree (uncommitted edits included), renames as delete + add. */
  async changedSince(rev: string, dirPath: string): Promise<ChangedPath[]> {
    const diff = await this.git.raw(['diff', '--no-renames', '--name-status', '-z', rev, '--', dirPath === '' ? '.' : dirPath]);
    const fields = diff.split('\0').filter(Boolean);
    const changed: ChangedPath[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) changed.push({ status: fields[i]!, path: fields[i + 1]! });
    return changed;
  }

  /** Commits the files at `paths` (inside the repository) and tags the commit with an annotated tag. */
  async commitAndTag(paths: string[], message: string, tag: string, tagMessage: string): Promise<void> {
    const inside = paths.map((p) => {
      const rel = this.relativePath(p);
      if (rel === null) throw new Error(`${p} is outside the repository at ${this.root}`);
      return rel;
    });
    await this.git.add(inside);
    await this.git.commit(message);
    await this.git.addAnnotatedTag(tag, tagMessage);
  }

  private async blobsAt(rev: string, dirPath: string): Promise<Array<{ path: string; size: number }>> {
    let listing: string;
    try {
      listing = await this.git.raw(['ls-tree', '-r', '-l', '-z', rev, '--', dirPath === '' ? '.' : dirPath]);
    } catch {
      return [];
    }
    return listing
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf('\t');
        const [, type, , size] = line.slice(0, tab).split(/\s+/);
        return { type, size: Number(size), path: line.slice(tab + 1) };
      })
      .filter((e) => e.type === 'blob')
      .map(({ path, size }) => ({ path, size }));
  }
}
