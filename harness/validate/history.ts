/**
 * Result history: committed records are append-only. A record that was at the merge base with the
 * base branch (e.g. origin/main) and is now removed or changed is an error, unless the change comes
 * with a note `results/notes/<record-id>.md` that is new (or added to) since the merge base and says why.
 * One change explains itself: a stale record (made by an earlier version of its method's code)
 * replaced by the same job's record made by the method's current code, as `run` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Repository } from '../git/repository.ts';
import { canonicalJson } from '../jobs/spec.ts';
import { currentSourceHashes } from '../run/job-done.ts';
import type { Problem } from './file-checks.ts';

export const DEFAULT_BASE = 'origin/main';

export interface HistoryOptions {
  resultsDir: string;
  /** Base ref; default DEFAULT_BASE when it exists, else the check is skipped with a note. */
  base?: string;
  /** The registered methods' current source hashes (default: the registry's). */
  currentSourceHash?: (methodId: string) => string | null;
}

export interface HistoryOutcome {
  problems: Problem[];
  /** What was compared, or why nothing was. */
  notes: string[];
}

interface ChangedRecord {
  /** Repository-relative path. */
  path: string;
  kind: 'removed' | 'changed';
  recordId: string;
  details: string;
}

function parse(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(data: unknown): data is { id: string } & Record<string, unknown> {
  return typeof data === 'object' && data !== null && 'schemaVersion' in data && typeof (data as { id?: unknown }).id === 'string';
}

interface HashedRecord {
  id?: unknown;
  job?: { method?: { id?: unknown } | null };
  provenance?: { methodSourceHash?: unknown };
}

/** The same job's record, re-made by its method's current code where the earlier one was stale. */
function remadeAfterMethodChange(before: unknown, after: unknown, currentSourceHash: (methodId: string) => string | null): boolean {
  const [b, a] = [before as HashedRecord, after as HashedRecord];
  const method = b.job?.method?.id;
  if (typeof method !== 'string' || a?.id !== b.id) return false;
  const current = currentSourceHash(method);
  return current !== null && b.provenance?.methodSourceHash !== current && a.provenance?.methodSourceHash === current;
}

/** JSON paths where two documents differ (at most `limit`). */
function differingPaths(a: unknown, b: unknown, path = '', limit = 3, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  const bothObjects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) {
    if (canonicalJson(a ?? null) !== canonicalJson(b ?? null)) out.push(`${path || '/'}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
    return out;
  }
  const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
  for (const key of keys)
    differingPaths((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}/${key}`, limit, out);
  return out;
}

/** Compares the results directory in the working tree with the merge base of HEAD and the base ref. */
export async function checkHistory(opts: HistoryOptions): Promise<HistoryOutcome> {
  const resultsDir = resolve(opts.resultsDir);
  const problems: Problem[] = [];
  const skip = (why: string): HistoryOutcome => ({ problems, notes: [`history check skipped: ${why}`] });
  const fail = (message: string): HistoryOutcome => {
    problems.push({ file: resultsDir, path: '(root)', message, severity: 'error' });
    return { problems, notes: [] };
  };

  const repo = await Repository.open(resultsDir);
  if (!repo) return skip(`${resultsDir} is not in a git repository`);
  const root = repo.root;
  const resultsRel = repo.relativePath(resultsDir);
  if (resultsRel === null) return skip(`${resultsDir} is outside the repository at ${root}`);

  let base = opts.base;
  if (base === undefined) {
    if (!(await repo.refExists(DEFAULT_BASE))) return skip(`no --base given and ${DEFAULT_BASE} does not exist`);
    base = DEFAULT_BASE;
  } else if (!(await repo.refExists(base))) {
    return fail(`--base ${base}: no such commit or ref (fetch it first, e.g. git fetch origin main)`);
  }
  const mergeBase = await repo.mergeBase(base, 'HEAD');
  if (!mergeBase)
    return fail(`HEAD and ${base} have no merge base (a shallow clone? fetch the full history, e.g. actions/checkout with fetch-depth: 0)`);

  const prefix = resultsRel === '' ? '' : `${resultsRel}/`;
  const changed: ChangedRecord[] = [];
  const currentSourceHash = opts.currentSourceHash ?? currentSourceHashes();
  let remade = 0;
  // Working tree against the merge base, so uncommitted edits are judged too.
  for (const { status, path } of await repo.changedSince(mergeBase, resultsRel)) {
    if (!path.endsWith('.json') || path.startsWith(`${prefix}schema/`) || status.startsWith('A')) continue;
    const before = parse(await repo.fileAt(mergeBase, path));
    if (!isRecord(before)) continue;
    const absolute = join(root, path);
    if (status.startsWith('D') || !existsSync(absolute)) {
      changed.push({ path, kind: 'removed', recordId: before.id, details: '' });
      continue;
    }
    const after = parse(readFileSync(absolute, 'utf8'));
    // Re-formatting is not a change; only the parsed content counts.
    if (after !== undefined && canonicalJson(after) === canonicalJson(before)) continue;
    if (remadeAfterMethodChange(before, after, currentSourceHash)) {
      remade++;
      continue;
    }
    const details = after === undefined ? 'no longer parses as JSON' : differingPaths(before, after).join('; ');
    changed.push({ path, kind: 'changed', recordId: before.id, details });
  }

  let explained = 0;
  for (const c of changed) {
    const notePath = `${prefix}notes/${c.recordId}.md`;
    const noteFile = join(root, notePath);
    // A note explains this change when it is new since the merge base or has been added to (a record changed twice).
    const note = existsSync(noteFile) ? readFileSync(noteFile, 'utf8') : null;
    const noteAtBase = note === null ? null : await repo.fileAt(mergeBase, notePath);
    const noteIsNew = note !== null && (noteAtBase === null || note.trim() !== noteAtBase.trim());
    if (noteIsNew && note!.trim() !== '') {
      explained++;
      continue;
    }
    const what = c.kind === 'removed' ? 'removed' : `changed (${c.details})`;
    problems.push({
      file: join(root, c.path),
      path: '(root)',
      message: `record ${c.recordId} was ${what} relative to ${base} (merge base ${mergeBase.slice(0, 12)}); committed records are append-only: add ${notePath} explaining why, or restore the record`,
      severity: 'error',
    });
  }
  const summary = `history: results compared with ${base} at merge base ${mergeBase.slice(0, 12)}: ${changed.length} records removed or changed, ${explained} explained by notes; ${remade} stale records re-made by their method's current code`;
  return { problems, notes: [summary] };
}
