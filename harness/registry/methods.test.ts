import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getMethod, methodIds, methodSourceHash, methodsDir } from './methods.ts';
import { analyseMethodSources } from '../sandbox/method-sources.ts';

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
    expect([layerwise.manifest.scope, layerwise.manifest.when, layerwise.manifest.variantOf]).toEqual([
      'layerwise',
      'after-training',
      'magnitude-global',
    ]);
    expect([atInit.manifest.scope, atInit.manifest.when, atInit.manifest.paper?.year]).toEqual(['global', 'init', 2021]);
    expect(layerwise.manifest.name).toBe('Magnitude (layerwise, after training)');
  });

  it('refuses a variant whose id is taken, and variant defaults the declarations do not allow', () => {
    const dir = mkdtempSync(join(scratch, 'variants-'));
    const declare = (id: string, extra: object) => {
      mkdirSync(join(dir, id), { recursive: true });
      const manifest = {
        id,
        name: id,
        version: '1.0.0',
        description: id,
        when: 'init',
        scope: 'global',
        needs: [],
        hyperparameters: { k: { type: 'integer', default: 1, minimum: 1, help: 'k' } },
        ...extra,
      };
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

  const kit = join(methodsDir, '..', 'harness', 'method-kit', 'largest-mask.ts');

  it('hashes every file the bundle reads (helpers in subfolders, kit files) and the manifest, not tests', () => {
    const plain = methodFolder('plain', `export const x = 1; // '${kit}'\n`);
    const usesKit = methodFolder('kit', `import { largestMask } from '${kit}';\nexport const prune = largestMask;\n`);
    const sameSource = methodFolder('same', `import { largestMask } from '${kit}';\nexport const prune = largestMask;\n`);
    expect(methodSourceHash(usesKit)).toBe(methodSourceHash(sameSource));
    expect(methodSourceHash(usesKit)).not.toBe(methodSourceHash(plain));
    writeFileSync(join(usesKit, 'kit.test.ts'), '// changed test');
    expect(methodSourceHash(usesKit)).toBe(methodSourceHash(sameSource));
    writeFileSync(join(usesKit, 'manifest.json'), '{"changed":true}');
    expect(methodSourceHash(usesKit)).not.toBe(methodSourceHash(sameSource));
  });

  it('goes stale when a helper in a subfolder of the method changes', () => {
    const dir = methodFolder('nested', "import { score } from './lib/impl.ts';\nexport const prune = score;\n");
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'impl.ts'), 'export const score = () => 1;\n');
    const before = methodSourceHash(dir);
    expect(methodSourceHash(dir)).toBe(before);
    writeFileSync(join(dir, 'lib', 'impl.ts'), 'export const score = () => 2;\n');
    expect(methodSourceHash(dir)).not.toBe(before);
  });

  it('hashes what the committed methods bundle: imp reads its kit files, random none', () => {
    const imp = analyseMethodSources(join(methodsDir, 'imp', 'index.ts'));
    expect(imp.files).toEqual([
      'api/method-kit/hyperparameters.ts',
      'api/method-kit/iterative-magnitude.ts',
      'api/method-kit/largest-mask.ts',
      'methods/imp/index.ts',
    ]);
    expect(analyseMethodSources(join(methodsDir, 'random', 'index.ts')).files).toEqual(['methods/random/index.ts']);
    for (const id of new Set(methodIds().map((m) => getMethod(m).dir)))
      expect(analyseMethodSources(join(id, 'index.ts')).violations).toEqual([]);
  });
});
