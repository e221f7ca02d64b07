import { describe, expect, it } from 'vitest';
import {
  accuracySpec,
  addAccessibleName,
  clampLowForLogAxis,
  FIXED_METHOD_STYLES,
  legendFor,
  methodStyle,
  methodStyles,
  renderSvg,
  tradeoffSpec,
} from './plots.ts';
import { methodIds } from '../harness/registry/methods.ts';

describe('plots', () => {
  const hostile = '<script>alert(1)</script>';
  it('render to SVG with role="img", an aria-label and a title, escaping data text', async () => {
    const styles = methodStyles([hostile, 'b & co']);
    const rows = [
      { method: hostile, method_name: 'A', compression: 2, mean: 0.9, low: 0.88, high: 0.92, highlight: true },
      { method: hostile, method_name: 'A', compression: 10, mean: 0.8, low: null, high: null, highlight: true },
      { method: 'b & co', method_name: 'B', compression: 2, mean: 0.7, low: 0.6, high: 0.8, highlight: false },
    ];
    const svg = await renderSvg(
      accuracySpec({
        kind: 'classification',
        rows,
        denseMean: 0.95,
        gridCompressions: [2, 10],
        legend: legendFor(styles, [hostile, 'b & co']),
      }),
      `Accuracy on "<task>"`,
    );
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-label="Accuracy on &quot;&lt;task&gt;&quot;"');
    expect(svg).toContain('<title>Accuracy on &quot;&lt;task&gt;&quot;</title>');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('b &amp; co');
    expect(svg).not.toMatch(/<text[^>]*>[^<]*&(?!amp;|lt;|gt;|quot;|#)/);
  });

  it('label legends with the method ids, which are unique where display names share a prefix', async () => {
    const ids = ['imp', 'imp-rewind'];
    const rows = ids.flatMap((m) =>
      [2, 4, 10, 1000].map((compression) => ({
        method: m,
        method_name: 'Iterative magnitude pruning …',
        compression,
        mean: 0.9,
        low: null,
        high: null,
        highlight: true,
      })),
    );
    const svg = await renderSvg(
      accuracySpec({
        kind: 'classification',
        rows,
        denseMean: null,
        gridCompressions: [2, 4, 10, 1000],
        legend: legendFor(methodStyles(ids), ids),
      }),
      'x',
    );
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toContain('imp');
    expect(texts).toContain('imp-rewind');
    // Every plotted compression has a labelled tick, none dropped for overlap.
    for (const tick of ['2×', '4×', '10×', '1000×']) expect(texts).toContain(tick);
  });

  it('give a method the same colour and shape whatever other methods exist', () => {
    const before = methodStyles(['snip', 'random', 'magnitude-global']);
    const after = methodStyles(['snip', 'random', 'magnitude-global', 'aaa-new-method', 'lamp']);
    for (const id of ['snip', 'random', 'magnitude-global']) {
      const i = before.domain.indexOf(id);
      const j = after.domain.indexOf(id);
      expect([after.colors[j], after.shapes[j]], id).toEqual([before.colors[i], before.shapes[i]]);
    }
    expect(methodStyle('some-future-method')).toEqual(methodStyle('some-future-method'));
    const some = legendFor(after, ['snip']);
    expect(some.colors[0]).toBe(after.colors[after.domain.indexOf('snip')]);
  });

  it('give the registered methods distinct colour-and-shape pairs', () => {
    const pairs = Object.values(FIXED_METHOD_STYLES).map((s) => `${s.color} ${s.shape}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const registered = methodIds().filter((id) => FIXED_METHOD_STYLES[id]);
    // The fixed table covers the methods registered when it was written; new ones fall back to a hash.
    expect(registered.length).toBeGreaterThanOrEqual(16);
  });

  it('draw a trade-off with error bars where intervals exist and a ring on each point of the Pareto front', async () => {
    const rows = [
      { method: 'a', sparsity: 0.5, highlight: true, front: true, x: 2, x_low: 1.5, x_high: 2.5, mean: 0.97, low: 0.96, high: 0.98 },
      { method: 'a', sparsity: 0.75, highlight: true, front: false, x: 1.5, x_low: null, x_high: null, mean: 0.9, low: null, high: null },
      { method: 'b', sparsity: 0.5, highlight: false, front: true, x: 4, x_low: null, x_high: null, mean: 0.8, low: null, high: null },
    ];
    const spec = (front: boolean) =>
      tradeoffSpec({
        kind: 'classification',
        rows,
        x: { title: 'Speed-up', log: true, labelExpr: "format(datum.value, '.3~r') + '×'" },
        denseMean: 0.98,
        denseX: { value: 1, label: 'dense (1×)', side: 'left' },
        legend: legendFor(methodStyles(['a', 'b']), ['a', 'b']),
        front,
      });
    /** The SVG paths of the marks of one layer of the spec. */
    const marks = (svg: string, layer: number) => {
      const open = svg.indexOf(`layer_${layer}_marks`);
      return open < 0 ? 0 : (svg.slice(open, svg.indexOf('</g>', open)).match(/<(path|line)/g) ?? []).length;
    };
    const svg = await renderSvg(spec(true), 'x');
    expect(marks(svg, 0)).toBe(1); // accuracy interval of a@50%
    expect(marks(svg, 1)).toBe(1); // speed-up interval of a@50%
    expect(marks(svg, 3)).toBe(3); // every point
    expect(marks(svg, 5)).toBe(2); // rings on the front
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toContain('dense (1×)');
    expect(texts).toContain('dense reference');
    expect(JSON.stringify(spec(false))).not.toContain('datum.front');
  });

  it('draw an MSE interval that reaches below zero down to the floor of its log axis, never as NaN', async () => {
    // planted-relu neuron-random at 90%: MSE 1.68e−4 ± 2.72e−4 over 3 seeds
    const rows = [
      { method: 'a', sparsity: 0.5, highlight: true, front: true, x: 2, x_low: 1.9, x_high: 2.1, mean: 1.0e-4, low: 0.9e-4, high: 1.1e-4 },
      {
        method: 'a',
        sparsity: 0.9,
        highlight: true,
        front: false,
        x: 2.5,
        x_low: 2.4,
        x_high: 2.6,
        mean: 1.68e-4,
        low: -1.04e-4,
        high: 4.4e-4,
      },
    ];
    expect(clampLowForLogAxis(rows, 'low', ['low', 'mean', 'high']).map((r) => r.low)).toEqual([0.9e-4, 0.45e-4]);
    expect(rows[1].low).toBe(-1.04e-4); // the caller's rows (the data tables) keep the exact interval
    const common = { rows, denseMean: 1.07e-4, legend: legendFor(methodStyles(['a']), ['a']) };
    const tradeoff = tradeoffSpec({
      ...common,
      kind: 'regression',
      x: { title: 'Speed-up', log: true, labelExpr: "format(datum.value, '.3~r') + '×'" },
      denseX: { value: 1, label: 'dense (1×)', side: 'left' },
      front: true,
    });
    const accuracy = accuracySpec({ ...common, kind: 'regression', gridCompressions: [2, 10] });
    for (const spec of [tradeoff, accuracy]) {
      const errors: unknown[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => errors.push(args);
      try {
        const svg = await renderSvg(spec, 'x');
        expect(svg).not.toMatch(/NaN/);
      } finally {
        console.error = original;
      }
      expect(errors).toEqual([]);
    }
  });

  it('refuse output that is not an SVG', () => {
    expect(() => addAccessibleName('<div></div>', 'x')).toThrow();
  });
});
