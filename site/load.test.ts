import { recordRelativePath } from '../harness/jobs/spec.ts';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRecord } from '../harness/testing/record-factory.ts';
import { createValidators, parseManifests, parseRecords, readManifestFiles, readResultFiles } from './load.ts';
import { syntheticManifest } from './testing/synthetic.ts';

const validators = createValidators();
const file = (path: string, data: unknown) => ({ path, text: typeof data === 'string' ? data : JSON.stringify(data) });

describe('records', () => {
  it('reject invalid records with their JSON paths and keep going', () => {
    const good = makeRecord({ method: 'a', seed: 0 });
    const bad = makeRecord({ method: 'a', seed: 1 }) as Record<string, unknown>;
    (bad.job as Record<string, unknown>).sparsity = 1.5;
    bad.surprise = true;
    const set = parseRecords(
      [file(recordRelativePath(good.job), good), file('runs/bad.json', bad), file('runs/broken.json', '{"schemaVersion": 1,')],
      validators,
    );
    expect(set.records.map((r) => r.id)).toEqual([good.id]);
    expect(set.rejected.map((r) => r.path)).toEqual(['runs/bad.json', 'runs/broken.json']);
    expect(set.rejected[0].problems).toContain('/job/sparsity: must be <= 1');
    expect(set.rejected[0].problems).toContain("(root): unknown field 'surprise'");
    expect(set.rejected[1].problems[0]).toMatch(/^malformed JSON/);
  });

  it('skip JSON that is not a record', () => {
    const set = parseRecords([file('suite.json', { id: 'smoke' }), file('list.json', [1, 2])], validators);
    expect(set).toEqual({ records: [], rejected: [], duplicates: [] });
  });

  it('count a record only at the path its identity gives: a copy elsewhere or a forged id is rejected, naming the file', () => {
    const record = makeRecord({ method: 'a', date: '2024-01-01T00:00:00.000Z' });
    const copy = { ...makeRecord({ method: 'a', date: '2025-01-01T00:00:00.000Z' }) };
    const forged = { ...makeRecord({ method: 'a', seed: 4 }), id: 'ffffffffffffffff' };
    const set = parseRecords(
      [file('runs/other/b/x.json', copy), file(recordRelativePath(record.job), record), file(recordRelativePath(forged.job), forged)],
      validators,
    );
    expect(set.records).toEqual([record]);
    expect(set.rejected.map((r) => r.path)).toEqual(['runs/other/b/x.json', recordRelativePath(forged.job)]);
    expect(set.rejected[0].problems[0]).toMatch(/record is at 'runs\/other\/b\/x\.json', its job identity puts it at 'runs\//);
    expect(set.rejected[1].problems[0]).toMatch(/^\/id: 'ffffffffffffffff' is not the identity of the job spec/);
  });
});

describe('files on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prunebench-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('read every *.json under the results directory except schema/', () => {
    mkdirSync(join(dir, 'results', 'runs', 't', 'm'), { recursive: true });
    mkdirSync(join(dir, 'results', 'schema'), { recursive: true });
    writeFileSync(join(dir, 'results', 'runs', 't', 'm', 'a.json'), '{}');
    writeFileSync(join(dir, 'results', 'runs', 't', 'm', 'notes.txt'), 'x');
    writeFileSync(join(dir, 'results', 'schema', 'record.schema.json'), '{"schemaVersion": 1}');
    expect(readResultFiles(join(dir, 'results')).map((f) => f.path)).toEqual(['runs/t/m/a.json']);
    expect(readResultFiles(join(dir, 'missing'))).toEqual([]);
  });

  it('read manifests and reject invalid ones and folder mismatches', () => {
    const methods = join(dir, 'methods');
    for (const [folder, manifest] of [
      ['snip', syntheticManifest('snip')],
      ['lamp', syntheticManifest('not-lamp')],
      ['bad', { ...syntheticManifest('bad'), when: 'sometimes' }],
    ] as const) {
      mkdirSync(join(methods, folder), { recursive: true });
      writeFileSync(join(methods, folder, 'manifest.json'), JSON.stringify(manifest));
    }
    mkdirSync(join(methods, 'no-manifest-yet'), { recursive: true });
    const set = parseManifests(readManifestFiles(methods), validators);
    expect([...set.manifests.keys()]).toEqual(['snip']);
    expect(set.rejected.map((r) => [r.path, r.problems[0]])).toEqual([
      ['bad/manifest.json', '/when: must be equal to one of the allowed values'],
      ['lamp/manifest.json', "/id: 'not-lamp' does not match the folder name 'lamp'"],
    ]);
    expect(readManifestFiles(join(dir, 'absent'))).toEqual([]);
  });
});

describe('manifests with declared hyperparameters and variants', () => {
  it('show each variant as a method of its own name, and each hyperparameter by its default', () => {
    const base = syntheticManifest('magnitude-global', {
      variants: [
        {
          id: 'magnitude-layerwise',
          name: 'Magnitude (layerwise)',
          description: 'Per layer.',
          scope: 'layerwise',
          defaults: { iterations: 3 },
        },
      ],
    });
    const set = parseManifests([file('magnitude-global/manifest.json', base)], validators);
    expect(set.rejected).toEqual([]);
    expect([...set.manifests.keys()]).toEqual(['magnitude-global', 'magnitude-layerwise']);
    const variant = set.manifests.get('magnitude-layerwise')!;
    expect([variant.name, variant.scope, variant.when]).toEqual(['Magnitude (layerwise)', 'layerwise', 'after-training']);
    expect(variant.hyperparameters).toEqual({ iterations: 3, temperature: 0.5, normalise: true });
    expect(set.manifests.get('magnitude-global')!.hyperparameters).toEqual({ iterations: 1, temperature: 0.5, normalise: true });
  });
});
