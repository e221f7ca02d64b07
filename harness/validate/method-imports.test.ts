import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCommand } from '../../cli/validate-command.ts';
import { methodsDir } from '../registry/methods.ts';

describe('validate: import rules of method code', () => {
  it('fails a method folder that imports a planted task, naming the file and the import, before anything runs', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pb-validate-')), 'random');
    cpSync(join(methodsDir, 'random'), dir, { recursive: true });
    writeFileSync(
      join(dir, 'index.ts'),
      `import * as plant from '${join(methodsDir, '..', 'planted', 'plant.ts')}';\nexport const prune = () => plant;\n`,
    );
    const lines: string[] = [];
    const code = await validateCommand([dir], { results: mkdtempSync(join(tmpdir(), 'pb-validate-results-')) }, (l) => lines.push(l));
    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(
      /error: .*random\/index.ts import '.*planted\/plant.ts': 'planted\/plant.ts' is outside the method folder, the method API and the method kit/,
    );
  });

  it('passes the committed methods', async () => {
    const lines: string[] = [];
    await validateCommand([methodsDir], { results: mkdtempSync(join(tmpdir(), 'pb-validate-results-')) }, (l) => lines.push(l));
    expect(lines.filter((l) => l.includes(' import '))).toEqual([]);
  });
});
