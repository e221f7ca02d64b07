import { beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkHistory } from './history.ts';
import { validateCommand } from '../../cli/validate-command.ts';
import { makeRecord, type RecordOptions } from '../testing/record-factory.ts';
import { jobId, recordRelativePath, type JobSpec } from '../jobs/spec.ts';

let repo: string;
let results: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

function commitAll(message: string): void {
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', message);
}

/** Writes a schema-valid record under the results directory; returns its id and path. */
function writeRecord(o: RecordOptions): { id: string; file: string } {
  const record = makeRecord(o);
  record.id = jobId(record.job as JobSpec);
  const file = join(results, recordRelativePath(record.job as JobSpec));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return { id: record.id, file };
}

function editRecord(file: string, edit: (r: any) => void, indent = 2): void {
  const record = JSON.parse(readFileSync(file, 'utf8'));
  edit(record);
  writeFileSync(file, JSON.stringify(record, null, indent));
}

function writeNote(id: string, text = 'Re-measured after the evaluation fix in #12.\n'): void {
  mkdirSync(join(results, 'notes'), { recursive: true });
  writeFileSync(join(results, 'notes', `${id}.md`), text);
}

let a: { id: string; file: string };
let b: { id: string; file: string };

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'pb-history-'));
  results = join(repo, 'results');
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.org');
  git('config', 'user.name', 'Test');
  mkdirSync(join(results, 'schema'), { recursive: true });
  writeFileSync(join(results, 'schema', 'x.schema.json'), '{"title": "a schema"}\n');
  a = writeRecord({ method: 'magnitude-global', sparsity: 0.9, accuracy: 0.95 });
  b = writeRecord({ method: 'random', sparsity: 0.9, accuracy: 0.6 });
  commitAll('records');
  // What CI sees: the base branch as a remote-tracking ref, the pull request on its own branch.
  git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  git('checkout', '-q', '-b', 'pr');
});

describe('results history against the merge base', () => {
  it('accepts added records and re-formatted files', async () => {
    writeRecord({ method: 'snip', sparsity: 0.5 });
    editRecord(a.file, () => undefined, 0);
    commitAll('more records');
    const outcome = await checkHistory({ resultsDir: results });
    expect(outcome.problems).toEqual([]);
    expect(outcome.notes[0]).toMatch(/compared with origin\/main .*: 0 records removed or changed/);
  });

  it('rejects a changed record, naming the record, the field and the note to add', async () => {
    editRecord(a.file, (r) => (r.metrics.accuracy = 0.99));
    commitAll('better numbers');
    const { problems } = await checkHistory({ resultsDir: results });
    expect(problems).toHaveLength(1);
    expect(problems[0].file).toBe(a.file);
    expect(problems[0].message).toContain(`record ${a.id} was changed (/metrics/accuracy: 0.95 → 0.99)`);
    expect(problems[0].message).toContain(`results/notes/${a.id}.md`);
  });

  it("accepts a stale record replaced by the same job's record made by its method's current code, and nothing else of the kind", async () => {
    const current = 'c'.repeat(64);
    const currentSourceHash = (id: string) => (id === 'magnitude-global' ? current : null);
    // The committed `a` was made by earlier code (its hash is not the current one): `run` re-makes it at the same path.
    editRecord(a.file, (r) => {
      r.metrics.accuracy = 0.97;
      r.provenance.methodSourceHash = current;
    });
    commitAll('a re-made after the method changed');
    const remade = await checkHistory({ resultsDir: results, currentSourceHash });
    expect(remade.problems).toEqual([]);
    expect(remade.notes[0]).toMatch(/0 records removed or changed, 0 explained by notes; 1 stale records re-made/);
    // Not a re-make: a hash that is not the current one, or a record whose method has no current code.
    editRecord(a.file, (r) => (r.provenance.methodSourceHash = 'd'.repeat(64)));
    editRecord(b.file, (r) => {
      r.metrics.accuracy = 0.7;
      r.provenance.methodSourceHash = current;
    });
    commitAll('other changes');
    const rejected = await checkHistory({ resultsDir: results, currentSourceHash });
    expect(rejected.problems.map((p) => p.file).sort()).toEqual([a.file, b.file].sort());
  });

  it('rejects a removed record, also when the change is not committed yet', async () => {
    rmSync(b.file);
    const { problems } = await checkHistory({ resultsDir: results });
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining(`record ${b.id} was removed relative to origin/main`)]);
  });

  it('accepts a change or removal that comes with a new note; the note explains only its own record', async () => {
    editRecord(a.file, (r) => (r.metrics.accuracy = 0.99));
    rmSync(b.file);
    writeNote(a.id);
    commitAll('fix a, drop b');
    const outcome = await checkHistory({ resultsDir: results });
    expect(outcome.problems.map((p) => p.file)).toEqual([b.file]);
    writeNote(b.id);
    commitAll('explain b');
    const explained = await checkHistory({ resultsDir: results });
    expect(explained.problems).toEqual([]);
    expect(explained.notes[0]).toMatch(/2 records removed or changed, 2 explained by notes/);
  });

  it('does not accept a note unchanged since the merge base, or an empty one; a note added to explains a second change', async () => {
    git('checkout', '-q', 'main');
    writeNote(a.id, 'An old explanation of an earlier fix.\n');
    commitAll('old note');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    git('checkout', '-q', '-b', 'pr2');
    editRecord(a.file, (r) => (r.metrics.accuracy = 0.5));
    writeNote(b.id, '  \n');
    rmSync(b.file);
    commitAll('change again');
    const { problems } = await checkHistory({ resultsDir: results });
    expect(problems.map((p) => p.file).sort()).toEqual([a.file, b.file].sort());
    // Adding to the old note explains the second change.
    writeNote(a.id, 'An old explanation of an earlier fix.\n\nChanged again: accuracy 0.5 after the rerun.\n');
    commitAll('explain a again');
    const again = await checkHistory({ resultsDir: results });
    expect(again.problems.map((p) => p.file)).toEqual([b.file]);
  });

  it('judges only the pull request: changes on the base branch after the merge base are not its fault', async () => {
    git('checkout', '-q', 'main');
    editRecord(a.file, (r) => (r.metrics.accuracy = 0.1));
    writeNote(a.id);
    commitAll('fix on main');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    git('checkout', '-q', 'pr');
    writeRecord({ method: 'lamp', sparsity: 0.98 });
    commitAll('pr adds a record');
    expect((await checkHistory({ resultsDir: results })).problems).toEqual([]);
  });

  it('uses an explicit --base, errors on an unknown one, and skips with a note where it cannot run', async () => {
    editRecord(a.file, (r) => (r.metrics.accuracy = 0.2));
    commitAll('change');
    expect((await checkHistory({ resultsDir: results, base: 'main' })).problems).toHaveLength(1);
    expect((await checkHistory({ resultsDir: results, base: 'HEAD' })).problems).toEqual([]);
    const unknown = await checkHistory({ resultsDir: results, base: 'origin/nope' });
    expect(unknown.problems[0].message).toMatch(/--base origin\/nope: no such commit or ref/);
    git('update-ref', '-d', 'refs/remotes/origin/main');
    const skipped = await checkHistory({ resultsDir: results });
    expect(skipped.problems).toEqual([]);
    expect(skipped.notes).toEqual(['history check skipped: no --base given and origin/main does not exist']);
    const outside = await checkHistory({ resultsDir: mkdtempSync(join(tmpdir(), 'pb-no-repo-')), base: 'main' });
    expect(outside.notes[0]).toMatch(/history check skipped: .* is not in a git repository/);
  });

  it('reports a shallow clone whose history does not reach the merge base', async () => {
    editRecord(a.file, (r) => (r.metrics.accuracy = 0.2));
    commitAll('change');
    const clone = mkdtempSync(join(tmpdir(), 'pb-shallow-'));
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'pr', `file://${repo}`, clone]);
    execFileSync('git', ['fetch', '-q', '--depth', '1', 'origin', 'main:refs/remotes/origin/main'], { cwd: clone });
    const { problems } = await checkHistory({ resultsDir: join(clone, 'results') });
    expect(problems[0].message).toMatch(/no merge base .*fetch-depth: 0/);
  });

  it('runs inside `validate`, whose exit code and output carry its verdict', async () => {
    editRecord(a.file, (r) => (r.metrics.accuracy = 0.99));
    commitAll('change');
    const lines: string[] = [];
    const code = await validateCommand([results], { results, base: 'origin/main' }, (l) => lines.push(l));
    expect(lines.join('\n')).toContain(`error: ${a.file} (root): record ${a.id} was changed`);
    expect(code).toBe(1);
    writeNote(a.id);
    const after: string[] = [];
    expect(await validateCommand([results], { results, base: 'origin/main' }, (l) => after.push(l))).toBe(0);
    expect(after.join('\n')).toMatch(/note: history: .*1 records removed or changed, 1 explained by notes/);
  });
});
