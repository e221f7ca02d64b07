import { describe, expect, it } from 'vitest';
import { methodPath, rootPrefix, safeExternalUrl, safeName, taskPath, trackPath } from './paths.ts';

describe('paths', () => {
  it('keeps safe ids and hashes anything it had to change', () => {
    expect(safeName('mnist-lenet300-v1')).toBe('mnist-lenet300-v1');
    const hostile = safeName('../<img src=x onerror=alert(1)>');
    expect(hostile).toMatch(/^[a-z0-9._-]+$/);
    expect(hostile).not.toContain('..');
    expect(safeName('A')).not.toBe(safeName('a'));
    expect(taskPath({ id: 'mnist', version: '2' })).toBe('tasks/mnist-v2.html');
    expect(methodPath('snip')).toBe('methods/snip.html');
  });
  it("gives each structured track a page of its own, and an unstructured track its task's page", () => {
    expect(trackPath({ id: 'mnist', version: '2' })).toBe('tasks/mnist-v2.html');
    expect(trackPath({ id: 'mnist', version: '2', structure: 'neuron' })).toBe('structured/mnist-v2-neuron.html');
    expect(trackPath({ id: 'mnist', version: '2', structure: '2:4' })).toBe('structured/mnist-v2-2-4.html');
    expect(trackPath({ id: 'mnist', version: '2', structure: '1:4' })).not.toBe(trackPath({ id: 'mnist', version: '2', structure: '2:4' }));
  });
  it('computes the relative root per depth', () => {
    expect(rootPrefix('index.html')).toBe('');
    expect(rootPrefix('tasks/x.html')).toBe('../');
    expect(rootPrefix('v1.0.0/tasks/x.html')).toBe('../../');
  });
  it('links only http(s) URLs', () => {
    expect(safeExternalUrl('https://arxiv.org/abs/1810.02340')).toBe('https://arxiv.org/abs/1810.02340');
    expect(safeExternalUrl('javascript:alert(1)')).toBeNull();
    expect(safeExternalUrl('data:text/html,hi')).toBeNull();
    expect(safeExternalUrl('/relative')).toBeNull();
    expect(safeExternalUrl('')).toBeNull();
  });
});
