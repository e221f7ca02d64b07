import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getMethod, kitFilesUsed, methodIds, methodSourceHash, methodsDir } from './registry.ts';

const scratch = mkdtempSync(join(tmpdir(), 'pb-registry-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function methodFolder(name: string, index: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.ts'), index);
  writeFileSync(join(dir, 'manifest.json'), '{}');
  writeFileSync(join(dir, `${name}.test.ts`), '// tests do not count');
  return dir;
}

describe('method registry', () => {
  it('finds every method folder and loads its manifest', () => {
    const ids = methodIds();
    expect(ids).toContain('imp');
    expect(ids).toContain('random');
    for (const id of ids) expect(getMethod(id).manifest.id).toBe(id);
  });

  it('registers declared variants under their own ids, with the code and source hash of the declaring folder', () => {
    expect(methodIds()).toEqual(expect.arrayContaining(['magnitude-global', 'magnitude-layerwise', 'magnitude-init']));
    const base = getMethod('magnitude-global');
    const layerwise = getMethod('magnitude-layerwise');
    const atInit = getMethod('magnitude-init');
    expect([layerwise.dir, atInit.dir]).toEqual([base.dir, base.dir]);
    expect([layerwise.sourceHash, atInit.sourceHash]).toEqual([base.sourceHash, base.sourceHash]);
    expect([base.manifest.scope, base.manifest.when]).toEqual(['global', 'after-training']);
    expect([layerwise.manifest.scope, layerwise.manifest.when, layerwise.manifest.variantOf]).toEqual(['layerwise', 'after-training', 'magnitude-global']);
    expect([atInit.manifest.scope, atInit.manifest.when, atInit.manifest.paper?.year]).toEqual(['global', 'init', 2021]);
    expect(layerwise.manifest.name).toBe('Magnitude (layerwise, after training)');
  });

  it('refuses a variant whose id is taken, and variant defaults the declarations do not allow', () => {
    const dir = mkdtempSync(join(scratch, 'variants-'));
    const declare = (id: string, extra: object) => {
      mkdirSync(join(dir, id), { recursive: true });
      const manifest = { id, name: id, version: '1.0.0', description: id, when: 'init', scope: 'global', needs: [], hyperparameters: { k: { type: 'integer', default: 1, minimum: 1, help: 'k' } }, ...extra };
      writeFileSync(join(dir, id, 'manifest.json'), JSON.stringify(manifest));
      writeFileSync(join(dir, id, 'index.ts'), 'export const prune = () => ({ scores: {} });\n');
    };
    declare('a', { variants: [{ id: 'b', name: 'b', description: 'b', scope: 'layerwise' }] });
    declare('b', {});
    expect(() => methodIds(dir)).toThrow(/id 'b' is already the id of a variant declared by a/);
    rmSync(join(dir, 'b'), { recursive: true });
    expect(methodIds(dir)).toEqual(['a', 'b']);
    declare('a', { variants: [{ id: 'b', name: 'b', description: 'b', defaults: { k: 0 } }] });
    expect(() => methodIds(dir)).toThrow(/method 'b': hyperparameter 'k' = 0 must be ≥ 1/);
  });

  it('follows method-kit imports, also from one kit file to another', () => {
    const imp = readFileSync(join(methodsDir, 'imp', 'index.ts'), 'utf8');
    expect(kitFilesUsed([imp])).toEqual(['hyperparameters.ts', 'iterative-magnitude.ts', 'largest-mask.ts']);
    const movement = readFileSync(join(methodsDir, 'movement', 'index.ts'), 'utf8');
    expect(kitFilesUsed([movement])).toEqual(['hyperparameters.ts', 'largest-mask.ts']);
    const random = readFileSync(join(methodsDir, 'random', 'index.ts'), 'utf8');
    expect(kitFilesUsed([random])).toEqual([]);
  });

  it('hashes the source files and the kit files they use, not tests', () => {
    const plain = methodFolder('plain', "export const x = 1; // '../../harness/method-kit/largest-mask.ts\n");
    const usesKit = methodFolder('kit', "import { largestMask } from '../../harness/method-kit/largest-mask.ts';\n");
    const sameSource = methodFolder('same', "import { largestMask } from '../../harness/method-kit/largest-mask.ts';\n");
    expect(methodSourceHash(usesKit)).toBe(methodSourceHash(sameSource));
    expect(methodSourceHash(usesKit)).not.toBe(methodSourceHash(plain));
    writeFileSync(join(usesKit, 'kit.test.ts'), '// changed test');
    expect(methodSourceHash(usesKit)).toBe(methodSourceHash(sameSource));
    writeFileSync(join(usesKit, 'manifest.json'), '{"changed":true}');
    expect(methodSourceHash(usesKit)).not.toBe(methodSourceHash(sameSource));
  });
});
