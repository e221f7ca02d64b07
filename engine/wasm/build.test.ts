import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileWat, embeddedModuleName, embeddedModuleSource, wasmSourceDir, watFiles } from './build.ts';

describe('embedded SIMD modules', () => {
  it('has one for every .wat source', () => {
    expect(watFiles()).toEqual(
      expect.arrayContaining([
        'column-sums.wat',
        'fused-adam.wat',
        'max-pool-grad.wat',
        'segmented-gemm.wat',
        'sparse-gemm.wat',
        'transpose-runs.wat',
      ]),
    );
  });
  for (const name of watFiles()) {
    it(`${embeddedModuleName(name)} is what npm run build:wasm makes from ${name}`, async () => {
      const binary = await compileWat(join(wasmSourceDir, name));
      expect(readFileSync(join(wasmSourceDir, embeddedModuleName(name)), 'utf8')).toBe(embeddedModuleSource(name, binary));
    });
  }
});
