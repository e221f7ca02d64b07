import { describe, expect, it } from 'vitest';
import { accuracySpec, addAccessibleName, legendFor, methodStyles, renderSvg } from './plots.ts';

describe('plots', () => {
  const hostile = '<script>alert(1)</script>';
  it('render to SVG with role="img", an aria-label and a title, escaping data text', async () => {
    const styles = methodStyles(['a', 'b']);
    const names = new Map([
      ['a', hostile],
      ['b', 'B & co'],
    ]);
    const rows = [
      { method: 'a', method_name: hostile, compression: 2, mean: 0.9, low: 0.88, high: 0.92 },
      { method: 'a', method_name: hostile, compression: 10, mean: 0.8, low: null, high: null },
      { method: 'b', method_name: 'B & co', compression: 2, mean: 0.7, low: 0.6, high: 0.8 },
    ];
    const svg = await renderSvg(
      accuracySpec({ kind: 'classification', rows, denseMean: 0.95, gridCompressions: [2, 10], legend: legendFor(styles, names, ['a', 'b']) }),
      `Accuracy on "<task>"`,
    );
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-label="Accuracy on &quot;&lt;task&gt;&quot;"');
    expect(svg).toContain('<title>Accuracy on &quot;&lt;task&gt;&quot;</title>');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('B &amp; co');
    expect(svg).not.toMatch(/<text[^>]*>[^<]*&(?!amp;|lt;|gt;|quot;|#)/);
  });
  it('keep a method the same colour whatever else is plotted', () => {
    const styles = methodStyles(['snip', 'random', 'magnitude']);
    const names = new Map<string, string>();
    const all = legendFor(styles, names, ['snip', 'random', 'magnitude']);
    const some = legendFor(styles, names, ['snip']);
    expect(some.colors[0]).toBe(all.colors[all.labels.indexOf('snip')]);
  });
  it('refuse output that is not an SVG', () => {
    expect(() => addAccessibleName('<div></div>', 'x')).toThrow();
  });
});
