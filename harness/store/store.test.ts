import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ResultStore, readRecordFile } from './store.ts';
import { failedRecord } from '../run/execute.ts';
import { testRecordContext } from '../testing/fixtures.ts';
import { jobId, type JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import { SchemaError } from '../schema/validator.ts';

const spec: JobSpec = {
  ...currentVersions(),
  task: { id: 'blobs', version: '1' },
  method: { id: 'fake', version: '1.0.0', hyperparameters: { k: 2 } },
  control: null,
  sparsity: 0.9,
  seed: 3,
};

function store(): ResultStore {
  return new ResultStore(mkdtempSync(join(tmpdir(), 'pb-store-')));
}

describe('ResultStore', () => {
  it('writes one validated JSON file per job at the path its identity gives, and reads it back', () => {
    const s = store();
    const record = failedRecord(spec, testRecordContext, 'prune', 'boom', null);
    const file = s.write(record);
    expect(file).toBe(join(s.dir, 'runs/blobs/fake', `${jobId(spec)}.json`));
    expect(s.has(spec)).toBe(true);
    expect(s.read(spec)).toEqual(record);
    expect(readdirSync(dirname(file))).toEqual([`${jobId(spec)}.json`]);
  });

  it('refuses to write a record that breaks the schema, naming file and JSON path', () => {
    const s = store();
    const record = failedRecord(spec, testRecordContext, 'prune', 'boom', null) as unknown as Record<string, unknown>;
    const bad = { ...record, status: 'done', extra: 1 };
    expect(() => s.write(bad as never)).toThrow(SchemaError);
    try {
      s.write(bad as never);
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toContain(s.pathFor(spec));
      expect(message).toMatch(/\(root\): unknown field 'extra'/);
      expect(message).toMatch(/\/status: must be equal to one of the allowed values/);
    }
    expect(s.has(spec)).toBe(false);
  });

  it('refuses a record whose id is not its job identity', () => {
    const s = store();
    const record = { ...failedRecord(spec, testRecordContext, 'prune', 'boom', null), id: '0123456789abcdef' };
    expect(() => s.write(record)).toThrow(/\/id: '0123456789abcdef' is not the identity of the job spec/);
  });

  it('reports malformed and invalid files on read without losing the valid ones', () => {
    const s = store();
    s.write(failedRecord(spec, testRecordContext, 'prune', 'boom', null));
    const broken = join(s.dir, 'runs/blobs/fake/broken.json');
    writeFileSync(broken, '{"schemaVersion": 1, ');
    const missing = join(s.dir, 'runs/blobs/fake/missing.json');
    mkdirSync(dirname(missing), { recursive: true });
    writeFileSync(missing, JSON.stringify({ schemaVersion: 1, id: 'x' }));
    const { records, errors } = s.readAll();
    expect(records).toHaveLength(1);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/broken\.json: malformed JSON/),
      expect.stringMatching(/missing\.json: .*missing field 'job'.*\/id: must match pattern/s),
    ]);
    expect(() => readRecordFile(broken)).toThrow(/broken\.json: malformed JSON/);
  });

  it('reads a record only at the path its identity gives: a misplaced copy, a renamed copy and a forged id are errors naming the file', () => {
    const s = store();
    const record = failedRecord(spec, testRecordContext, 'prune', 'boom', null);
    const file = s.write(record);
    const misplaced = join(s.dir, 'runs/blobs/other', `${record.id}.json`);
    mkdirSync(dirname(misplaced), { recursive: true });
    copyFileSync(file, misplaced);
    const renamed = join(s.dir, 'runs/blobs/fake/copy.json');
    copyFileSync(file, renamed);
    const { records, errors } = s.readAll();
    expect(records).toEqual([record]);
    expect(errors.map((e) => e.file).sort()).toEqual([renamed, misplaced].sort());
    expect(errors.map((e) => e.message).join('\n')).toMatch(
      /other\/.*record is at 'runs\/blobs\/other\/.*', its job identity puts it at 'runs\/blobs\/fake\//,
    );

    const other: JobSpec = { ...spec, seed: 4 };
    writeFileSync(s.pathFor(other), readFileSync(file));
    expect(() => s.read(other)).toThrow(/its job identity puts it at .*the record's job spec is not the job whose path it is at/s);
  });
});
