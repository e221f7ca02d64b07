import { describe, expect, it } from 'vitest';
import { canonicalJson, denseSpecFor, jobId, recordRelativePath, type JobSpec } from './spec.ts';
import { currentVersions, ENGINE_VERSION, PROTOCOL_VERSION, staleVersionReason } from './versions.ts';

const spec: JobSpec = {
  protocol: '2',
  engine: '1',
  task: { id: 'mnist-lenet300', version: '1' },
  method: { id: 'snip', version: '1.0.0', hyperparameters: { batches: 1, batchSize: 100 } },
  control: null,
  sparsity: 0.9,
  seed: 0,
};

describe('job identity', () => {
  it('is the same for the same spec, whatever the key order', () => {
    const reordered = JSON.parse(
      '{"seed":0,"sparsity":0.9,"control":null,"method":{"hyperparameters":{"batchSize":100,"batches":1},"version":"1.0.0","id":"snip"},"task":{"version":"1","id":"mnist-lenet300"},"engine":"1","protocol":"2"}',
    );
    expect(jobId(reordered)).toBe(jobId(spec));
    expect(jobId(spec)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes when any field changes', () => {
    const variants: JobSpec[] = [
      { ...spec, protocol: '3' },
      { ...spec, engine: '2' },
      { ...spec, task: { ...spec.task, version: '2' } },
      { ...spec, task: { ...spec.task, id: 'mnist-lenet5' } },
      { ...spec, method: { ...spec.method!, version: '1.0.1' } },
      { ...spec, method: { ...spec.method!, hyperparameters: { batches: 2, batchSize: 100 } } },
      { ...spec, control: 'shuffled' },
      { ...spec, sparsity: 0.95 },
      { ...spec, seed: 1 },
    ];
    const ids = new Set([jobId(spec), ...variants.map(jobId)]);
    expect(ids.size).toBe(variants.length + 1);
  });

  it('serialises canonically and refuses non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: null, c: 'x' }] })).toBe('{"a":[2,{"c":"x","d":null}],"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
  });

  it('derives the dense reference and the record path from the spec', () => {
    const dense = denseSpecFor(spec);
    expect(dense).toEqual({ protocol: '2', engine: '1', task: spec.task, method: null, control: null, sparsity: 0, seed: 0 });
    expect(recordRelativePath(spec)).toBe(`runs/mnist-lenet300/snip/${jobId(spec)}.json`);
    expect(recordRelativePath({ ...spec, control: 'reinit' })).toMatch(/^runs\/mnist-lenet300\/snip\+reinit\//);
    expect(recordRelativePath(dense)).toBe(`runs/mnist-lenet300/dense/${jobId(dense)}.json`);
  });

  it('calls a job stale when it was made under another protocol or engine version', () => {
    const current: JobSpec = { ...spec, ...currentVersions() };
    expect(staleVersionReason(current)).toBeNull();
    expect(staleVersionReason({ ...current, protocol: '1', engine: undefined })).toBe(
      `made under protocol 1 (current ${PROTOCOL_VERSION}) and no engine version (current ${ENGINE_VERSION})`,
    );
    expect(staleVersionReason({ ...current, engine: `${ENGINE_VERSION}-old` })).toBe(
      `made under engine ${ENGINE_VERSION}-old (current ${ENGINE_VERSION})`,
    );
  });
});

describe('structure in the job identity', () => {
  it("leaves an unstructured job's identity as it was before structures existed, and makes structured ones distinct", () => {
    // The id this spec had before structures existed (computed with the code of main at 2a623a6).
    expect(jobId(spec)).toBe('3ea22f89219cf2dd');
    expect(canonicalJson({ ...spec, structure: undefined })).toBe(canonicalJson(spec));
    const neuron = jobId({ ...spec, structure: { kind: 'neuron' } });
    const twoFour = jobId({ ...spec, structure: { kind: 'n:m', n: 2, m: 4 } });
    expect(new Set([jobId(spec), neuron, twoFour, jobId({ ...spec, structure: { kind: 'filter' } })]).size).toBe(4);
  });
});
