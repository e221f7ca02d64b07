import { describe, expect, it } from 'vitest';
import { csvValue, parseCsv, renderTable, toCsv, toJson, type TableSpec } from './tables.ts';

const spec: TableSpec = {
  id: 'demo',
  caption: 'Demo',
  fields: ['name', 'score', 'flag', 'missing'],
  rows: [
    { name: 'plain', score: 0.5, flag: true, missing: null },
    { name: 'has, comma "and" quotes\nand a newline', score: -0.25, flag: false, missing: null },
    { name: '=HYPERLINK("x")', score: 1e-12, flag: false, missing: null },
  ],
  columns: [
    {
      key: 'name',
      label: 'Name',
      rowHeader: true,
      text: (r) => String(r.name),
      href: (r) => (r.name === 'plain' ? 'methods/plain.html' : null),
    },
    {
      key: 'score',
      label: 'Score',
      numeric: true,
      text: (r) => String(r.score),
      sort: (r) => r.score as number,
      marks: (r) => (r.flag ? [{ symbol: '▽', label: 'flagged', kind: 'frontier' }] : []),
    },
  ],
  sortedBy: { key: 'score', direction: 'descending' },
};

describe('downloads', () => {
  it('CSV round-trips through an RFC 4180 parser, with full-precision numbers', () => {
    const rows = parseCsv(toCsv(spec));
    expect(rows[0]).toEqual(['name', 'score', 'flag', 'missing']);
    expect(rows[1]).toEqual(['plain', '0.5', 'true', '']);
    expect(rows[2]).toEqual(['has, comma "and" quotes\nand a newline', '-0.25', 'false', '']);
    expect(Number(rows[3][1])).toBe(1e-12);
    expect(rows).toHaveLength(4);
  });
  it('neutralises spreadsheet formulas in text but not negative numbers', () => {
    expect(csvValue('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvValue('@cmd')).toBe("'@cmd");
    expect(csvValue(-3)).toBe('-3');
  });
  it('JSON holds exactly the fields, in order, with nulls', () => {
    const json = JSON.parse(toJson(spec));
    expect(json.fields).toEqual(spec.fields);
    expect(json.rows[0]).toEqual({ name: 'plain', score: 0.5, flag: true, missing: null });
    expect(Object.keys(json.rows[1])).toEqual(spec.fields);
  });
});

describe('renderTable', () => {
  it('marks the sorted column, makes links relative to the page and keeps sort keys', () => {
    const t = renderTable(spec, 'tasks/x.html', '../');
    expect(t.columns.map((c) => c.ariaSort)).toEqual([null, 'descending']);
    expect(t.rows[0].cells[0]).toMatchObject({ header: true, text: 'plain', href: '../methods/plain.html' });
    expect(t.rows[1].cells[0].href).toBeNull();
    expect(t.rows[0].cells[1]).toMatchObject({ sort: '0.5', numeric: true, marks: [{ symbol: '▽' }] });
    expect(t.csvHref).toBe('x.demo.csv');
    expect(t.jsonHref).toBe('x.demo.json');
  });
  it('groups adjacent columns under a shared header', () => {
    const grouped = {
      ...spec,
      columns: [spec.columns[0], { ...spec.columns[1], group: 'G' }, { ...spec.columns[1], key: 'again', group: 'G' }],
    };
    expect(renderTable(grouped, 'index.html', '').groups).toEqual([
      { label: '', span: 1 },
      { label: 'G', span: 2 },
    ]);
    expect(renderTable(spec, 'index.html', '').groups).toBeNull();
  });
  it('refuses rows with fields the download would drop', () => {
    expect(() => renderTable({ ...spec, rows: [{ name: 'a', score: 1, extra: 2 }] }, 'index.html', '')).toThrow(/extra/);
  });
});
