/**
 * Tables: a table is data rows (flat, primitive fields) plus columns that format those rows. The
 * HTML cells, the CSV and the JSON downloads are all produced from the same rows, so they cannot
 * disagree.
 */

export type DataValue = string | number | boolean | null;
export type DataRow = Record<string, DataValue>;
export type SortDirection = 'ascending' | 'descending';

export interface Mark {
  /** Short visible symbol, e.g. "=" or "▽". */
  symbol: string;
  /** What it means, for the title attribute and screen readers. */
  label: string;
  kind: 'tied' | 'frontier' | 'incomplete' | 'failed' | 'control' | 'versions';
}

export interface Column {
  key: string;
  label: string;
  /** Header tooltip: units or a definition. */
  title?: string;
  /** Adjacent columns with the same group share a header cell above theirs. */
  group?: string;
  numeric?: boolean;
  /** The cell names the row (a `<th scope="row">`). */
  rowHeader?: boolean;
  text(row: DataRow): string;
  /** Sort key for the enhancement script; defaults to the text. Null sorts last. */
  sort?(row: DataRow): number | string | null;
  /** Link target relative to the (release) site root. */
  href?(row: DataRow): string | null;
  marks?(row: DataRow): Mark[];
}

export interface TableSpec {
  id: string;
  caption: string;
  note?: string;
  /** The data columns, in order, of the CSV and JSON downloads. */
  fields: string[];
  rows: DataRow[];
  columns: Column[];
  /** The order the rows are already in. */
  sortedBy: { key: string; direction: SortDirection };
  rowClass?(row: DataRow): string | null;
}

export interface RenderedCell {
  header: boolean;
  text: string;
  href: string | null;
  marks: Mark[];
  sort: string;
  numeric: boolean;
}

export interface RenderedTable {
  id: string;
  captionId: string;
  caption: string;
  note: string | null;
  csvHref: string;
  jsonHref: string;
  /** The header row above the column labels; null when no column has a group. */
  groups: Array<{ label: string; span: number }> | null;
  columns: Array<{ key: string; label: string; title: string | null; numeric: boolean; ariaSort: SortDirection | null }>;
  rows: Array<{ className: string | null; cells: RenderedCell[] }>;
}

export function downloadNames(pageFile: string, tableId: string): { csv: string; json: string } {
  const base = pageFile.replace(/^.*\//, '').replace(/\.html$/, '');
  return { csv: `${base}.${tableId}.csv`, json: `${base}.${tableId}.json` };
}

/** Turns a table into the template's view; `root` is the relative prefix from the page to the site root. */
export function renderTable(spec: TableSpec, pageFile: string, root: string): RenderedTable {
  for (const row of spec.rows) {
    for (const field of Object.keys(row)) {
      if (!spec.fields.includes(field)) throw new Error(`table ${spec.id}: row field '${field}' is not in its field list`);
    }
  }
  const names = downloadNames(pageFile, spec.id);
  return {
    id: spec.id,
    captionId: `${spec.id}-caption`,
    caption: spec.caption,
    note: spec.note ?? null,
    csvHref: names.csv,
    jsonHref: names.json,
    groups: headerGroups(spec.columns),
    columns: spec.columns.map((c) => ({
      key: c.key,
      label: c.label,
      title: c.title ?? null,
      numeric: Boolean(c.numeric),
      ariaSort: c.key === spec.sortedBy.key ? spec.sortedBy.direction : null,
    })),
    rows: spec.rows.map((row) => ({
      className: spec.rowClass?.(row) ?? null,
      cells: spec.columns.map((c) => {
        const sort = c.sort ? c.sort(row) : c.text(row);
        const href = c.href?.(row) ?? null;
        return {
          header: Boolean(c.rowHeader),
          text: c.text(row),
          href: href === null ? null : root + href,
          marks: c.marks?.(row) ?? [],
          sort: sort === null ? '' : String(sort),
          numeric: Boolean(c.numeric),
        };
      }),
    })),
  };
}

function headerGroups(columns: readonly Column[]): Array<{ label: string; span: number }> | null {
  if (!columns.some((c) => c.group)) return null;
  const groups: Array<{ label: string; span: number }> = [];
  for (const c of columns) {
    const label = c.group ?? '';
    const last = groups[groups.length - 1];
    if (last && last.label === label && label !== '') last.span++;
    else groups.push({ label, span: 1 });
  }
  return groups;
}

/** Spreadsheet programs run cells that start like a formula; such text gets a leading apostrophe. */
function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function csvValue(value: DataValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = neutralizeFormula(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(spec: TableSpec): string {
  const lines = [spec.fields.map(csvValue).join(',')];
  for (const row of spec.rows) lines.push(spec.fields.map((f) => csvValue(row[f] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson(spec: TableSpec): string {
  const rows = spec.rows.map((row) => Object.fromEntries(spec.fields.map((f) => [f, row[f] ?? null])));
  return `${JSON.stringify({ table: spec.id, caption: spec.caption, fields: spec.fields, rows }, null, 1)}\n`;
}

/** RFC 4180 parser for the downloads (used by tests and by anyone checking a download). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
