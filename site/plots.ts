/**
 * Plots as inline SVG, rendered at build time: Vega-Lite spec → Vega → headless SVG string.
 * No canvas, no client-side script. Every data string reaching the SVG goes through Vega's own
 * text escaping (checked in plots.test.ts); the accessible name we add is escaped here.
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { createHash } from 'node:crypto';
import Handlebars from 'handlebars';
import type { DataRow } from './tables.ts';

/** Colour-blind-safe first (Okabe–Ito without yellow), then Tol's muted set. */
export const METHOD_PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#332288',
  '#882255',
  '#117733',
  '#999933',
  '#44AA99',
  '#AA4499',
  '#6A3D9A',
  '#B15928',
];
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left'];

const PLOT_WIDTH = 520;
const PLOT_HEIGHT = 300;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

const CONFIG = {
  aria: false,
  font: FONT,
  background: '#ffffff',
  padding: 6,
  view: { stroke: '#c8c8c8' },
  axis: {
    labelColor: '#333333',
    titleColor: '#1a1a1a',
    titleFontWeight: 600,
    titleFontSize: 12,
    labelFontSize: 11,
    gridColor: '#e8e8e8',
    domainColor: '#8a8a8a',
    tickColor: '#8a8a8a',
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, labelColor: '#333333', titleColor: '#1a1a1a', labelLimit: 220 },
  header: { labelFontSize: 13, labelFontWeight: 600, labelColor: '#1a1a1a' },
  line: { strokeWidth: 2 },
  point: { size: 46, filled: true },
};

export interface MethodStyles {
  domain: string[];
  colors: string[];
  shapes: string[];
}

/**
 * Fixed styles of the registered methods, each pair distinct; related methods (imp / imp-rewind)
 * get contrasting colours, the random baselines greys and olive.
 */
export const FIXED_METHOD_STYLES: Readonly<Record<string, { color: string; shape: string }>> = {
  'magnitude-global': { color: '#0072B2', shape: 'circle' },
  imp: { color: '#D55E00', shape: 'square' },
  'imp-rewind': { color: '#009E73', shape: 'triangle-up' },
  snip: { color: '#CC79A7', shape: 'diamond' },
  synflow: { color: '#E69F00', shape: 'cross' },
  lamp: { color: '#56B4E9', shape: 'triangle-down' },
  grasp: { color: '#332288', shape: 'triangle-right' },
  random: { color: '#7F7F7F', shape: 'triangle-left' },
  'magnitude-init': { color: '#882255', shape: 'circle' },
  'magnitude-layerwise': { color: '#117733', shape: 'square' },
  'gmp-gradual': { color: '#44AA99', shape: 'diamond' },
  granet: { color: '#AA4499', shape: 'triangle-up' },
  movement: { color: '#6A3D9A', shape: 'cross' },
  'edge-popup': { color: '#B15928', shape: 'triangle-down' },
  'random-erk': { color: '#999933', shape: 'circle' },
  'random-layerwise': { color: '#7F7F7F', shape: 'square' },
};

/**
 * A method's colour and point shape follow from its id alone, never from its position among the
 * other methods, so adding a method changes no other method's colour, on any build: the fixed
 * table above, else a hash of the id (a new method may then share a colour with another; its
 * shape usually differs, and legends name the ids).
 */
export function methodStyle(methodId: string): { color: string; shape: string } {
  const fixed = FIXED_METHOD_STYLES[methodId];
  if (fixed) return fixed;
  const digest = createHash('sha256').update(methodId).digest();
  return { color: METHOD_PALETTE[digest.readUInt32BE(0) % METHOD_PALETTE.length], shape: SHAPES[digest.readUInt32BE(4) % SHAPES.length] };
}

export function methodStyles(methodIds: readonly string[]): MethodStyles {
  const domain = [...new Set(methodIds)].sort();
  const styles = domain.map(methodStyle);
  return { domain, colors: styles.map((s) => s.color), shapes: styles.map((s) => s.shape) };
}

/** Colours and shapes of the methods in one plot, keyed by their ids (short and unique; the tables give the names). */
export interface PlotLegend {
  labels: string[];
  colors: string[];
  shapes: string[];
}

/** The legend for `methodIds`, in site-wide order, labelled with method ids. */
export function legendFor(styles: MethodStyles, methodIds: readonly string[]): PlotLegend {
  const present = new Set(methodIds);
  const keep = styles.domain.map((m, i) => [m, i] as const).filter(([m]) => present.has(m));
  return {
    labels: keep.map(([m]) => m),
    colors: keep.map(([, i]) => styles.colors[i]),
    shapes: keep.map(([, i]) => styles.shapes[i]),
  };
}

// Plots encode the method id (field `method`): display names are long and can share a prefix
// ("Iterative magnitude pruning …"), ids are short and unique. The data table beside names them.
function methodColor(legend: PlotLegend) {
  return { field: 'method', type: 'nominal', title: 'Method', scale: { domain: legend.labels, range: legend.colors } };
}
function methodShape(legend: PlotLegend) {
  return { field: 'method', type: 'nominal', title: 'Method', scale: { domain: legend.labels, range: legend.shapes } };
}

/** How many methods a line plot draws in full colour; the others are faded (field `highlight`). */
export const HIGHLIGHTED_METHODS = 5;

function highlightOpacity(full: number, faded: number) {
  return { condition: { test: 'datum.highlight === true', value: full }, value: faded };
}

/** A tick at every compression the plot has points at, each labelled (no label is dropped for overlap). */
function compressionAxis(compressions: readonly number[]) {
  return {
    field: 'compression',
    type: 'quantitative',
    title: 'Compression 1/(1 − sparsity), log scale',
    scale: { type: 'log', nice: false, padding: 12 },
    axis: {
      values: [...new Set(compressions)].sort((a, b) => a - b),
      labelExpr: "format(datum.value, '.3~r') + '×'",
      grid: true,
      labelOverlap: false,
      labelFlush: false,
    },
  };
}

/**
 * A log axis cannot show an interval that reaches zero or below (an MSE of 1e−4 ± 3e−4): such a
 * lower end is drawn at the plot's floor, half the smallest positive value the rows plot, so the
 * bar runs to the bottom of the plot instead of vanishing (Vega would get NaN). The data tables
 * beside the figures keep the exact intervals.
 */
/** Said in the caption of a figure with a log MSE axis. */
export const LOG_AXIS_INTERVAL_NOTE =
  ' On the log axis an interval reaching zero or below runs to the bottom of the plot; the data table has its exact ends.';

export function clampLowForLogAxis(rows: readonly DataRow[], lowField: string, valueFields: readonly string[]): DataRow[] {
  const positive = rows.flatMap((r) => valueFields.map((f) => r[f])).filter((v): v is number => typeof v === 'number' && v > 0);
  if (positive.length === 0) return [...rows];
  const floor = Math.min(...positive) / 2;
  return rows.map((r) => (typeof r[lowField] === 'number' && (r[lowField] as number) <= 0 ? { ...r, [lowField]: floor } : r));
}

function logSafeRows(rows: readonly DataRow[], logY: boolean, logX: boolean): DataRow[] {
  const y = logY ? clampLowForLogAxis(rows, 'low', ['low', 'mean', 'high']) : [...rows];
  return logX ? clampLowForLogAxis(y, 'x_low', ['x_low', 'x', 'x_high']) : y;
}

export interface AccuracyPlotInput {
  kind: 'classification' | 'regression';
  /** Rows: method, compression, mean, low, high (accuracy in %, or MSE). */
  rows: DataRow[];
  denseMean: number | null;
  gridCompressions: number[];
  legend: PlotLegend;
}

export function accuracySpec(input: AccuracyPlotInput): object {
  const styles = input.legend;
  const classification = input.kind === 'classification';
  const yTitle = classification ? 'Test accuracy' : 'Test MSE (log scale, lower is better)';
  const yScale = classification ? { zero: false } : { type: 'log' };
  const yAxis = classification ? { format: '~%' } : { format: '~g' };
  const layers: object[] = [
    {
      transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
      mark: { type: 'area' },
      // Bands and lines share field, domain and colours, so Vega-Lite merges them into one legend.
      encoding: {
        x: compressionAxis(input.gridCompressions),
        y: { field: 'low', type: 'quantitative', title: yTitle, scale: yScale, axis: yAxis },
        y2: { field: 'high' },
        fill: methodColor(styles),
        fillOpacity: highlightOpacity(0.16, 0.04),
      },
    },
    {
      mark: { type: 'line', point: true },
      encoding: {
        x: compressionAxis(input.gridCompressions),
        y: { field: 'mean', type: 'quantitative', title: yTitle, scale: yScale, axis: yAxis },
        color: methodColor(styles),
        shape: methodShape(styles),
        opacity: highlightOpacity(1, 0.22),
      },
    },
  ];
  if (input.denseMean !== null) {
    layers.push({
      data: { values: [{ dense: input.denseMean, label: 'dense' }] },
      mark: { type: 'rule', strokeDash: [5, 4], color: '#555555', strokeWidth: 1.5 },
      encoding: { y: { field: 'dense', type: 'quantitative' } },
    });
    layers.push({
      data: { values: [{ dense: input.denseMean, label: 'dense reference' }] },
      mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -4, dy: -3, color: '#444444', fontSize: 11 },
      encoding: { y: { field: 'dense', type: 'quantitative' }, x: { value: PLOT_WIDTH }, text: { field: 'label' } },
    });
  }
  return {
    width: PLOT_WIDTH,
    height: 300,
    data: { values: logSafeRows(input.rows, !classification, false) },
    layer: layers,
    resolve: { scale: { y: 'shared' } },
    config: CONFIG,
  };
}

export interface TradeoffPlotInput {
  kind: 'classification' | 'regression';
  /**
   * One row per method × sparsity: method, sparsity, highlight, the x value and its interval
   * (`x`, `x_low`, `x_high`), the quality and its interval (`mean`, `low`, `high`) and `front`.
   */
  rows: DataRow[];
  x: { title: string; log: boolean; labelExpr: string };
  denseMean: number | null;
  /**
   * The dense network's place on the x axis (speed-up 1, or its MACs) and the side of the plot it
   * lies on: its label goes inside the plot, and the dense reference's label to the other side.
   */
  denseX: { value: number; label: string; side: 'left' | 'right' } | null;
  legend: PlotLegend;
  /** Draw the Pareto front: a dashed line through the rows with `front` true, each ringed. */
  front: boolean;
}

/**
 * Quality against a cost axis (measured speed-up, MACs): one point per method and sparsity with
 * its 95% intervals as error bars on both axes, each method's points joined in sparsity order.
 */
export function tradeoffSpec(input: TradeoffPlotInput): object {
  const legend = input.legend;
  const classification = input.kind === 'classification';
  const yTitle = classification ? 'Test accuracy' : 'Test MSE (log scale, lower is better)';
  const y = (field: string) => ({
    field,
    type: 'quantitative',
    title: yTitle,
    scale: classification ? { zero: false, padding: 10 } : { type: 'log', padding: 10 },
    axis: { format: classification ? '~%' : '~g' },
  });
  const x = (field: string) => ({
    field,
    type: 'quantitative',
    title: input.x.title,
    scale: input.x.log ? { type: 'log', nice: false, padding: 14 } : { zero: false, padding: 14 },
    axis: { labelExpr: input.x.labelExpr, grid: true },
  });
  const layers: object[] = [
    {
      transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
      mark: { type: 'rule', strokeWidth: 1.2 },
      encoding: { x: x('x'), y: y('low'), y2: { field: 'high' }, color: methodColor(legend), opacity: highlightOpacity(0.7, 0.15) },
    },
    {
      transform: [{ filter: 'isValid(datum.x_low) && isValid(datum.x_high)' }],
      mark: { type: 'rule', strokeWidth: 1.2 },
      encoding: { x: x('x_low'), x2: { field: 'x_high' }, y: y('mean'), color: methodColor(legend), opacity: highlightOpacity(0.7, 0.15) },
    },
    {
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding: {
        x: x('x'),
        y: y('mean'),
        order: { field: 'sparsity', type: 'quantitative' },
        color: methodColor(legend),
        opacity: highlightOpacity(0.45, 0.12),
      },
    },
    {
      mark: { type: 'point' },
      encoding: { x: x('x'), y: y('mean'), color: methodColor(legend), shape: methodShape(legend), opacity: highlightOpacity(1, 0.25) },
    },
  ];
  const denseOnRight = input.denseX?.side === 'right';
  if (input.front) {
    layers.push(
      {
        transform: [{ filter: 'datum.front === true' }],
        mark: { type: 'line', strokeDash: [6, 3], color: '#1a1a1a', strokeWidth: 1.4 },
        encoding: { x: x('x'), y: y('mean'), order: { field: 'x', type: 'quantitative' } },
      },
      {
        transform: [{ filter: 'datum.front === true' }],
        mark: { type: 'point', filled: false, size: 190, color: '#1a1a1a', strokeWidth: 1.4 },
        encoding: { x: x('x'), y: y('mean') },
      },
    );
  }
  if (input.denseMean !== null) {
    layers.push(
      {
        data: { values: [{ dense: input.denseMean }] },
        mark: { type: 'rule', strokeDash: [5, 4], color: '#555555', strokeWidth: 1.5 },
        encoding: { y: { field: 'dense', type: 'quantitative' } },
      },
      {
        data: { values: [{ dense: input.denseMean, label: 'dense reference' }] },
        mark: denseOnRight
          ? { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -3, color: '#444444', fontSize: 11 }
          : { type: 'text', align: 'right', baseline: 'bottom', dx: -4, dy: -3, color: '#444444', fontSize: 11 },
        encoding: { y: { field: 'dense', type: 'quantitative' }, x: { value: denseOnRight ? 0 : PLOT_WIDTH }, text: { field: 'label' } },
      },
    );
  }
  if (input.denseX !== null) {
    layers.push(
      {
        data: { values: [{ x: input.denseX.value }] },
        mark: { type: 'rule', strokeDash: [2, 3], color: '#555555', strokeWidth: 1.2 },
        encoding: { x: { field: 'x', type: 'quantitative' } },
      },
      {
        data: { values: [{ x: input.denseX.value, label: input.denseX.label }] },
        mark: {
          type: 'text',
          align: denseOnRight ? 'right' : 'left',
          baseline: 'bottom',
          dx: denseOnRight ? -4 : 4,
          dy: -4,
          color: '#444444',
          fontSize: 11,
        },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: PLOT_HEIGHT }, text: { field: 'label' } },
      },
    );
  }
  return {
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    data: { values: logSafeRows(input.rows, !classification, input.x.log) },
    layer: layers,
    resolve: { scale: { y: 'shared', x: 'shared' } },
    config: CONFIG,
  };
}

export interface MetricPanel {
  field: string;
  title: string;
  /** d3 format of the axis labels, e.g. '~%'. */
  format?: string;
  /** Fixed axis domain, e.g. [0, 1] for recovery. */
  domain?: [number, number];
}

/** The x axis of a structured track's per-unit-ratio plots: the fraction of units removed (field `sparsity`). */
export function unitRatioAxis(ratios: readonly number[]): object {
  return {
    field: 'sparsity',
    type: 'quantitative',
    title: 'Unit ratio (fraction of units removed)',
    scale: { domain: [0, 1] },
    axis: { values: [...new Set(ratios)].sort((a, b) => a - b), format: '~%', grid: true, labelOverlap: false },
  };
}

/** Side-by-side line panels sharing the x axis (compression, unless `x` says otherwise) and the method colours. */
export function panelsSpec(
  rows: DataRow[],
  panels: MetricPanel[],
  gridCompressions: number[],
  restricted: PlotLegend,
  marker?: { compression: number; label: string },
  x: object = compressionAxis(gridCompressions),
): object {
  return {
    data: { values: rows },
    hconcat: panels.map((panel) => {
      const layers: object[] = [
        {
          transform: [{ filter: `isValid(datum[${JSON.stringify(panel.field)}])` }],
          mark: { type: 'line', point: true },
          encoding: {
            x,
            y: {
              field: panel.field,
              type: 'quantitative',
              title: panel.title,
              scale: panel.domain ? { domain: panel.domain } : { zero: true },
              axis: panel.format ? { format: panel.format } : {},
            },
            color: methodColor(restricted),
            shape: methodShape(restricted),
            opacity: highlightOpacity(1, 0.22),
          },
        },
      ];
      if (marker) {
        layers.push({
          data: { values: [{ compression: marker.compression, label: marker.label }] },
          mark: { type: 'rule', strokeDash: [5, 4], color: '#555555', strokeWidth: 1.5 },
          encoding: { x: { field: 'compression', type: 'quantitative' } },
        });
        layers.push({
          data: { values: [{ compression: marker.compression, label: marker.label }] },
          mark: { type: 'text', align: 'right', baseline: 'top', dx: -4, dy: 4, color: '#444444', fontSize: 11 },
          encoding: { x: { field: 'compression', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
        });
      }
      return { width: 300, height: 220, layer: layers };
    }),
    config: CONFIG,
  };
}

/** Reliability diagrams, one facet per method: bars of accuracy per confidence bin, with the diagonal. */
export function reliabilitySpec(rows: DataRow[], restricted: PlotLegend): object {
  const methods = [...new Set(rows.map((r) => String(r.method)))];
  return {
    data: { values: rows },
    facet: { field: 'method', type: 'nominal', title: null, sort: methods },
    columns: 3,
    spec: {
      width: 230,
      height: 230,
      layer: [
        {
          transform: [{ filter: 'isValid(datum.accuracy)' }],
          mark: { type: 'rect', opacity: 0.85, stroke: '#ffffff', strokeWidth: 0.5 },
          encoding: {
            x: {
              field: 'lower',
              type: 'quantitative',
              title: 'Confidence (top-class probability)',
              scale: { domain: [0, 1] },
              axis: { values: [0, 0.2, 0.4, 0.6, 0.8, 1], format: '.1f' },
            },
            x2: { field: 'upper' },
            y: {
              field: 'accuracy',
              type: 'quantitative',
              title: 'Accuracy in the bin',
              scale: { domain: [0, 1] },
              axis: { values: [0, 0.2, 0.4, 0.6, 0.8, 1], format: '.1f' },
            },
            y2: { datum: 0 },
            color: { ...methodColor(restricted), legend: null },
          },
        },
        {
          mark: { type: 'rule', strokeDash: [4, 3], color: '#555555' },
          encoding: { x: { datum: 0, type: 'quantitative' }, y: { datum: 0, type: 'quantitative' }, x2: { datum: 1 }, y2: { datum: 1 } },
        },
      ],
    },
    config: CONFIG,
  };
}

/** Renders a Vega-Lite spec to an SVG string with role="img", an aria-label and a <title>. */
export async function renderSvg(spec: object, accessibleName: string): Promise<string> {
  const compiled = vegaLite.compile(spec as vegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return addAccessibleName(svg, accessibleName);
  } finally {
    view.finalize();
  }
}

export function addAccessibleName(svg: string, name: string): string {
  const escaped = Handlebars.escapeExpression(name);
  const open = svg.indexOf('<svg ');
  const close = svg.indexOf('>', open);
  if (open !== 0 || close < 0) throw new Error('renderer did not produce an <svg> element');
  const tag = svg.slice(0, close).replace(/ class="marks"/, ' class="plot"');
  return `${tag} role="img" aria-label="${escaped}" focusable="false"><title>${escaped}</title>${svg.slice(close + 1)}`;
}
