import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getMethod, methodIds, methodSourceHash, methodsDir } from './registry.ts';
import { analyseMethodSources } from '../harness/sandbox/method-sources.ts';

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
    expect(imp.files).toEqual(['harness/method-kit/iterative-magnitude.ts', 'harness/method-kit/largest-mask.ts', 'methods/imp/index.ts']);
    expect(analyseMethodSources(join(methodsDir, 'random', 'index.ts')).files).toEqual(['methods/random/index.ts']);
    for (const id of methodIds()) expect(analyseMethodSources(join(methodsDir, id, 'index.ts')).violations).toEqual([]);
  });
});
