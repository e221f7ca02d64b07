import { describe, expect, it } from 'vitest';
import { parseStructure, structureProblems, unitsRemovedFraction, type KernelLayout } from './structure.ts';

const f = (values: number[]) => Float32Array.from(values);

describe('N:M structure', () => {
  // A dense kernel [8 inputs, 2 outputs], row-major: weight (i, j) at 2i + j; groups of 4 inputs per output.
  const layouts: KernelLayout[] = [{ name: 'fc1/kernel', shape: [8, 2], input: { kind: 'none' } }];
  const twoOfFour = f([1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1]);

  it('accepts a mask keeping exactly 2 of every 4 consecutive inputs into each output', () => {
    // output 0 keeps inputs 0, 1 (group 0–3) and 5, 7 (group 4–7); output 1 keeps 1, 2 and 4, 7.
    expect(structureProblems(parseStructure('2:4'), layouts, { 'fc1/kernel': twoOfFour })).toEqual([]);
  });

  it('refuses a 2:4 mask with one group of 3, naming the kernel, output and group', () => {
    const three = Float32Array.from(twoOfFour);
    three[2 * 3 + 0] = 1; // input 3 into output 0: the group 0–3 of output 0 now keeps 3
    expect(structureProblems(parseStructure('2:4'), layouts, { 'fc1/kernel': three })).toEqual([
      'fc1/kernel: the group of input positions 0–3 into output 0 keeps 3, not 2 (2:4)',
    ]);
  });

  it('lets a trailing partial group keep at most N', () => {
    const short: KernelLayout[] = [{ name: 'k', shape: [6, 1], input: { kind: 'none' } }];
    expect(structureProblems(parseStructure('2:4'), short, { k: f([1, 1, 0, 0, 1, 0]) })).toEqual([]);
    expect(structureProblems(parseStructure('1:4'), short, { k: f([1, 0, 0, 0, 1, 1]) })).toEqual([
      'k: the group of input positions 4–5 into output 0 keeps 2, more than 1 (1:4)',
    ]);
  });

  it('parses structures and refuses malformed ones', () => {
    expect(parseStructure('1:4')).toEqual({ kind: 'n:m', n: 1, m: 4 });
    expect(parseStructure('neuron')).toEqual({ kind: 'neuron' });
    expect(() => parseStructure('4:2')).toThrow(/1 ≤ N < M/);
  });
});

describe('neuron structure (a 2-3-2 MLP)', () => {
  const layouts: KernelLayout[] = [
    { name: 'fc1/kernel', shape: [2, 3], input: { kind: 'none' } },
    { name: 'fc2/kernel', shape: [3, 2], input: { kind: 'direct' } },
  ];
  // Hidden unit 1 removed: fc1 column 1 and fc2 row 1 are zero.
  const removed = { 'fc1/kernel': f([1, 0, 1, 1, 0, 1]), 'fc2/kernel': f([1, 1, 0, 0, 1, 1]) };

  it('accepts a unit removed whole, with the weights that read it, and counts it', () => {
    expect(structureProblems({ kind: 'neuron' }, layouts, removed)).toEqual([]);
    expect(unitsRemovedFraction(layouts, removed)).toEqual({ removed: 1, total: 3, fraction: 1 / 3 });
  });

  it('refuses a half-removed unit: its incoming weights gone but a weight still reading it', () => {
    const half = { ...removed, 'fc2/kernel': f([1, 1, 1, 0, 1, 1]) };
    expect(structureProblems({ kind: 'neuron' }, layouts, half)).toEqual([
      'fc2/kernel: weight 2 (input 1, unit 0) is kept although its input or its unit is removed: a unit is removed whole, with the weights that read it',
    ]);
  });

  it('refuses a unit kept with one incoming weight pruned, and an output unit removed', () => {
    expect(structureProblems({ kind: 'neuron' }, layouts, { ...removed, 'fc1/kernel': f([1, 0, 0, 1, 0, 1]) })[0]).toMatch(
      /^fc1\/kernel: weight 2 \(input 0, unit 2\) is pruned although its input and its unit are kept/,
    );
    expect(structureProblems({ kind: 'neuron' }, layouts, { ...removed, 'fc2/kernel': f([1, 0, 0, 0, 1, 0]) })[0]).toMatch(
      /^fc2\/kernel: output layers keep all their units, but unit 1 has no weight left/,
    );
  });
});

describe('filter structure (conv → flatten → dense)', () => {
  // conv: 1×1 kernel, 1 input channel, 2 filters; a 2×2 map flattened to 8 inputs (channel = index mod 2) into 1 output.
  const layouts: KernelLayout[] = [
    { name: 'conv/kernel', shape: [1, 1, 1, 2], input: { kind: 'none' } },
    { name: 'fc/kernel', shape: [8, 1], input: { kind: 'flattened', channels: 2 } },
  ];

  it('accepts a filter removed with the dense inputs that read its channel, and refuses one left half read', () => {
    const masks = { 'conv/kernel': f([1, 0]), 'fc/kernel': f([1, 0, 1, 0, 1, 0, 1, 0]) };
    expect(structureProblems({ kind: 'filter' }, layouts, masks)).toEqual([]);
    expect(structureProblems({ kind: 'filter' }, layouts, { ...masks, 'fc/kernel': f([1, 0, 1, 1, 1, 0, 1, 0]) })[0]).toMatch(
      /^fc\/kernel: weight 3 \(input 3, unit 0\) is kept although its input or its unit is removed/,
    );
  });

  it('refuses a dense unit removed under filter structure', () => {
    const mlp: KernelLayout[] = [
      { name: 'a', shape: [1, 2], input: { kind: 'none' } },
      { name: 'b', shape: [2, 1], input: { kind: 'direct' } },
    ];
    expect(structureProblems({ kind: 'filter' }, mlp, { a: f([1, 0]), b: f([1, 0]) })[0]).toMatch(
      /^a: filter structure removes output channels of convolutions only/,
    );
  });
});

describe("kernel layouts of the suites' architectures", () => {
  it("maps LeNet-5's flatten to the dense layer's channel-interleaved inputs", async () => {
    const { kernelLayouts } = await import('./structure.ts');
    const { lenet5, lenet300100 } = await import('../../suites/models/architectures.ts');
    expect(kernelLayouts(lenet300100).map((l) => [l.name, l.input.kind])).toEqual([
      ['fc1/kernel', 'none'],
      ['fc2/kernel', 'direct'],
      ['fc3/kernel', 'direct'],
    ]);
    const conv = kernelLayouts(lenet5);
    expect(conv.map((l) => l.input)).toEqual([
      { kind: 'none' },
      { kind: 'direct' },
      { kind: 'flattened', channels: 50 },
      { kind: 'direct' },
    ]);
  });
});
