import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { recordRelativePath } from '../jobs/spec.ts';
import { makeRecord, type FactoryRecord, type RecordOptions } from '../testing/record-factory.ts';
import { mergeResults } from './merge.ts';
import { ResultStore } from './store.ts';

const CURRENT = 'a'.repeat(64);
const OLD = 'b'.repeat(64);
const isStale = (record: { provenance: { methodSourceHash: string | null } }) => record.provenance.methodSourceHash !== CURRENT;

function record(o: RecordOptions & { hash?: string }): FactoryRecord {
  const r = makeRecord(o);
  return { ...r, provenance: { ...r.provenance, methodSourceHash: o.hash ?? CURRENT } } as FactoryRecord;
}

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'pb-merge-'));
}

/** Writes records into a results directory at the paths their identities give. */
function writeRecords(root: string, records: FactoryRecord[]): void {
  for (const r of records) {
    const file = join(root, recordRelativePath(r.job as never));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  }
}

const pathOf = (root: string, r: FactoryRecord) => join(root, recordRelativePath(r.job as never));
const bytes = (file: string) => readFileSync(file, 'utf8');

describe('mergeResults', () => {
  it('adds new records byte for byte and counts identical ones', () => {
    const [target, shard] = [dir(), dir()];
    const a = record({ seed: 0 });
    const b = record({ seed: 1 });
    writeRecords(target, [a]);
    writeRecords(shard, [a, b]);
    const report = mergeResults([shard], new ResultStore(target), isStale);
    expect(report.added).toEqual([recordRelativePath(b.job as never)]);
    expect(report.identical).toBe(1);
    expect(bytes(pathOf(target, b))).toBe(bytes(pathOf(shard, b)));
  });

  it("replaces a stale record with the current one a shard re-made at the same path, whatever the shards' order", () => {
    const [target, stale, fresh] = [dir(), dir(), dir()];
    const old = record({ seed: 0, accuracy: 0.9, hash: OLD });
    const remade = record({ seed: 0, accuracy: 0.95 });
    writeRecords(target, [old]);
    writeRecords(stale, [old]); // a shard that did not own the job uploads the committed stale copy
    writeRecords(fresh, [remade]);
    for (const order of [
      [stale, fresh],
      [fresh, stale],
    ]) {
      writeRecords(target, [old]);
      const report = mergeResults(order, new ResultStore(target), isStale);
      expect(report.replaced).toEqual([recordRelativePath(remade.job as never)]);
      expect(JSON.parse(bytes(pathOf(target, remade))).provenance.methodSourceHash).toBe(CURRENT);
    }
  });

  it('never replaces a finished current record, and names the job when the incoming one has other metrics', () => {
    const [target, shard] = [dir(), dir()];
    const kept = record({ seed: 0, accuracy: 0.9 });
    const other = record({ seed: 0, accuracy: 0.91 });
    const sameNumbers = { ...record({ seed: 1 }), timings: { pruneSeconds: 9, trainSeconds: 9, evaluateSeconds: 9, totalSeconds: 27 } };
    writeRecords(target, [kept, record({ seed: 1 })]);
    writeRecords(shard, [other, sameNumbers as FactoryRecord]);
    const before = bytes(pathOf(target, kept));
    const report = mergeResults([shard], new ResultStore(target), isStale);
    expect(report.kept).toBe(2);
    expect(report.differingMetrics).toEqual([recordRelativePath(kept.job as never)]);
    expect(report.replaced).toEqual([]);
    expect(bytes(pathOf(target, kept))).toBe(before);
  });

  it("replaces a failed record with the same job's ok record, never an ok record with a failed one", () => {
    const [target, retried, failedAgain] = [dir(), dir(), dir()];
    const failed = record({ seed: 0, status: 'failed' });
    const ok = record({ seed: 0, accuracy: 0.93 });
    writeRecords(target, [failed]);
    writeRecords(retried, [ok]);
    expect(mergeResults([retried], new ResultStore(target), isStale).replaced).toEqual([recordRelativePath(ok.job as never)]);
    writeRecords(failedAgain, [failed]);
    const report = mergeResults([failedAgain], new ResultStore(target), isStale);
    expect(report.kept).toBe(1);
    expect(JSON.parse(bytes(pathOf(target, ok))).status).toBe('ok');
  });

  it('leaves out an incoming stale record, even where the path is empty of a current one', () => {
    const [target, shard] = [dir(), dir()];
    const staleThere = record({ seed: 0, accuracy: 0.9, hash: OLD });
    const staleIncoming = record({ seed: 0, accuracy: 0.8, hash: 'c'.repeat(64) });
    writeRecords(target, [staleThere]);
    writeRecords(shard, [staleIncoming]);
    const report = mergeResults([shard], new ResultStore(target), isStale);
    expect(report.staleSkipped).toEqual([recordRelativePath(staleThere.job as never)]);
    expect(bytes(pathOf(target, staleThere))).toContain(OLD);
  });

  it('reports invalid files by name, copies none of them, and still merges the valid ones', () => {
    const [target, shard] = [dir(), dir()];
    const good = record({ seed: 0 });
    const moved = record({ seed: 1 });
    writeRecords(shard, [good]);
    const broken = join(shard, 'runs/mnist-lenet300/magnitude-global/0000000000000000.json');
    writeFileSync(broken, '{ "id": ');
    const misplaced = join(shard, 'runs/mnist-lenet300/lamp', `${moved.id}.json`);
    mkdirSync(dirname(misplaced), { recursive: true });
    writeFileSync(misplaced, JSON.stringify(moved));
    const report = mergeResults([shard, join(shard, 'missing')], new ResultStore(target), isStale);
    expect(report.added).toEqual([recordRelativePath(good.job as never)]);
    const messages = report.invalid.map((e) => e.message);
    expect(messages).toHaveLength(3);
    expect(messages.find((m) => m.includes(broken))).toBeDefined();
    expect(messages.find((m) => m.includes(misplaced))).toMatch(/its job identity puts it at/);
    expect(messages.find((m) => m.includes(join(shard, 'missing')))).toMatch(/no such directory/);
    expect(existsSync(pathOf(target, moved))).toBe(false);
  });

  it('reads a folder laid out like runs/ (an uploaded shard) as well as a results directory', () => {
    const [target, shard] = [dir(), dir()];
    const r = record({ seed: 2 });
    writeRecords(shard, [r]);
    const report = mergeResults([join(shard, 'runs')], new ResultStore(target), isStale);
    expect(report.added).toEqual([recordRelativePath(r.job as never)]);
  });
});
