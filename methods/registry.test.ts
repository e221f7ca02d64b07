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

  it('follows method-kit imports, also from one kit file to another', () => {
    const imp = readFileSync(join(methodsDir, 'imp', 'index.ts'), 'utf8');
    expect(kitFilesUsed([imp])).toEqual(['iterative-magnitude.ts', 'largest-mask.ts']);
    const movement = readFileSync(join(methodsDir, 'movement', 'index.ts'), 'utf8');
    expect(kitFilesUsed([movement])).toEqual(['largest-mask.ts']);
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
