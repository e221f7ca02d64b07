/**
 * Synthetic, schema-valid results and manifests for site tests, the browser test and the site
 * benchmark. Deterministic from a seed; the numbers are shaped like real pruning curves (retention
 * falls with compression, more for weaker methods) but mean nothing.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { makeRecord, type FactoryRecord } from '../../harness/testing/record-factory.ts';
import type { Control, TaskKind } from '../../harness/aggregate/aggregatable-record.ts';

export interface SyntheticTask {
  id: string;
  kind?: TaskKind;
  planted?: boolean;
  denseAccuracy?: number;
}

export interface SyntheticOptions {
  tasks?: SyntheticTask[];
  methods?: string[];
  sparsities?: number[];
  seeds?: number[];
  /** Controls run for every method at the two highest sparsities. */
  controls?: Control[];
  /** Every n-th pruning job fails (0: none). */
  failEvery?: number;
  /** Methods that skip the highest sparsity (so they are incomplete). */
  incompleteMethods?: string[];
  /** Structured tracks of every task: their methods run each structure, at the unit ratios for neuron/filter. */
  structured?: SyntheticStructured;
  seed?: number;
}

export interface SyntheticStructured {
  methods: string[];
  /** 'neuron', 'filter' or 'N:M'. */
  structures: string[];
  /** Unit ratios of the neuron and filter tracks. */
  ratios: number[];
}

export const DEFAULT_SYNTHETIC_TASKS: SyntheticTask[] = [
  { id: 'mnist-lenet300', denseAccuracy: 0.982 },
  { id: 'fashion-lenet300', denseAccuracy: 0.894 },
  { id: 'planted-circle-d5-w100', planted: true, denseAccuracy: 0.962 },
  { id: 'planted-relu-d5-w100', planted: true, kind: 'regression' },
];
export const DEFAULT_SYNTHETIC_METHODS = ['magnitude-global', 'random', 'snip', 'synflow'];

/** mulberry32: small, seeded, good enough for fake data. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function syntheticRecords(o: SyntheticOptions = {}): FactoryRecord[] {
  const tasks = o.tasks ?? DEFAULT_SYNTHETIC_TASKS;
  const methods = o.methods ?? DEFAULT_SYNTHETIC_METHODS;
  const sparsities = o.sparsities ?? [0.5, 0.75, 0.9, 0.95, 0.98, 0.99];
  const seeds = o.seeds ?? [0, 1, 2];
  const controls = o.controls ?? [];
  const random = generator(o.seed ?? 1);
  const noise = (scale: number) => (random() + random() + random() - 1.5) * scale;
  const records: FactoryRecord[] = [];
  let job = 0;
  for (const task of tasks) {
    const kind = task.kind ?? 'classification';
    const denseBase = task.denseAccuracy ?? 0.95;
    const denseMseBase = 0.004;
    for (const seed of seeds) {
      records.push(
        makeRecord({
          task: task.id,
          kind,
          method: null,
          seed,
          denseAccuracy: denseBase + noise(0.002),
          denseMse: denseMseBase * (1 + noise(0.05)),
        }),
      );
    }
    for (const method of methods) {
      const quality = 0.55 + (0.4 * (hashString(method) % 1000)) / 1000;
      const variants: Array<Control | null> = [null, ...controls];
      for (const control of variants) {
        const grid = control ? sparsities.slice(-2) : o.incompleteMethods?.includes(method) ? sparsities.slice(0, -1) : sparsities;
        for (const sparsity of grid) {
          for (const seed of seeds) {
            job++;
            const pressure = Math.log10(1 / (1 - sparsity)) / 2;
            const loss = (1 - quality) * 0.35 * pressure ** 2 * (control ? 1.6 : 1);
            const retention = Math.min(1.002, Math.max(0.05, 1 - loss + noise(0.004)));
            const denseAccuracy = denseBase + noise(0.002);
            const failed = o.failEvery ? job % o.failEvery === 0 : false;
            records.push(
              makeRecord({
                task: task.id,
                kind,
                method,
                control,
                sparsity,
                seed,
                status: failed ? 'failed' : 'ok',
                failureReason: 'training diverged (loss became NaN)',
                denseAccuracy,
                accuracy: Math.min(1, denseAccuracy * retention),
                denseMse: denseMseBase,
                mse: denseMseBase / retention,
                ece: 0.01 + loss * 0.3 + Math.abs(noise(0.003)),
                nll: 0.06 + loss * 1.2 + Math.abs(noise(0.01)),
                brier: 0.03 + loss * 0.8 + Math.abs(noise(0.005)),
                maxPsi: 0.004 + loss * 0.5 + Math.abs(noise(0.002)),
                psiRange: 0.008 + loss * 0.8 + Math.abs(noise(0.003)),
                worstGroupAccuracy: Math.max(0, denseAccuracy * retention - 0.04 - loss * 0.5),
                planted: task.planted
                  ? {
                      precision: Math.min(1, Math.max(0, quality * pressure * 0.9 + noise(0.02))),
                      recall: Math.min(1, Math.max(0, 1 - (1 - quality) * pressure * 1.4 + noise(0.02))),
                      jaccard: Math.min(1, Math.max(0, quality * pressure * 0.6 + noise(0.02))),
                      density: 0.04,
                    }
                  : undefined,
                methodVersion: '1.0.0',
              }),
            );
          }
        }
      }
    }
  }
  if (o.structured) records.push(...syntheticStructuredRecords(tasks, seeds, o.structured, random));
  return records;
}

/**
 * Structured records: accuracy falls with the unit ratio (faster for N:M's weaker methods), MACs
 * shrink as the kept units' square, and the measured speed-up follows the MACs with noise, below
 * the MACs ratio as measured speed-ups are. Planted tasks' neuron records recover planted units.
 */
function syntheticStructuredRecords(
  tasks: readonly SyntheticTask[],
  seeds: readonly number[],
  o: SyntheticStructured,
  random: () => number,
): FactoryRecord[] {
  const noise = (scale: number) => (random() + random() + random() - 1.5) * scale;
  const denseMacs = 266_200;
  const records: FactoryRecord[] = [];
  for (const task of tasks) {
    const kind = task.kind ?? 'classification';
    const denseAccuracy = task.denseAccuracy ?? 0.95;
    for (const label of o.structures) {
      const nm = /^(\d+):(\d+)$/.exec(label);
      const structure = nm ? { kind: 'n:m' as const, n: Number(nm[1]), m: Number(nm[2]) } : { kind: label as 'neuron' | 'filter' };
      for (const method of o.methods) {
        const quality = 0.55 + (0.4 * (hashString(method) % 1000)) / 1000;
        const ratios = nm ? [1 - Number(nm[1]) / Number(nm[2])] : o.ratios;
        for (const ratio of ratios) {
          const kept = 1 - ratio;
          const macs = Math.round(denseMacs * (nm ? kept : kept * kept));
          for (const seed of seeds) {
            const retention = Math.min(1.002, Math.max(0.05, 1 - (1 - quality) * ratio ** 2 * 0.6 + noise(0.004)));
            records.push(
              makeRecord({
                task: task.id,
                kind,
                method,
                structure,
                sparsity: ratio,
                seed,
                denseAccuracy,
                accuracy: Math.min(1, denseAccuracy * retention),
                denseMse: 0.004,
                mse: 0.004 / retention,
                macs,
                speedup: nm ? undefined : Math.max(0.5, (denseMacs / macs) ** 0.7 * (1 + noise(0.08))),
                planted: task.planted
                  ? { precision: quality * 0.5, recall: kept * quality, jaccard: quality * 0.3, density: 0.04 }
                  : undefined,
                unitRecovery:
                  task.planted && structure.kind === 'neuron'
                    ? {
                        precision: Math.min(1, Math.max(0, (quality * 0.2) / kept + noise(0.02))),
                        recall: Math.min(1, Math.max(0, kept * quality + 0.1 + noise(0.02))),
                        jaccard: Math.min(1, Math.max(0, quality * 0.2 + noise(0.02))),
                      }
                    : undefined,
                methodVersion: '1.0.0',
              }),
            );
          }
        }
      }
    }
  }
  return records;
}

/** Writes records where the store would: runs/<task>/<method[+control]|dense>/<id>.json. */
export function writeRecords(resultsDir: string, records: readonly FactoryRecord[]): void {
  for (const r of records) {
    const methodPart = r.job.method ? `${r.job.method.id}${r.job.control ? `+${r.job.control}` : ''}` : 'dense';
    const dir = join(resultsDir, 'runs', r.job.task.id.replace(/[^A-Za-z0-9._-]/g, '_'), methodPart);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${r.id}.json`), JSON.stringify(r, null, 1));
  }
}

/**
 * A release file, as `prunebench release` writes it, listing the given record files (paths relative
 * to the results directory; default: every record under runs/) with their SHA-256.
 */
export function writeReleaseFile(
  resultsDir: string,
  o: { release: string; date: string; commit: string; suites: Array<{ id: string; version: string; jobs: number }>; paths?: string[] },
): void {
  const paths =
    o.paths ??
    readdirSync(join(resultsDir, 'runs'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /^[0-9a-f]{16}\.json$/.test(e.name))
      .map((e) => relative(resultsDir, join(e.parentPath, e.name)).split(sep).join('/'))
      .sort();
  const records = paths.map((path) => ({
    id: path.slice(-21, -5),
    path,
    sha256: createHash('sha256')
      .update(readFileSync(join(resultsDir, path)))
      .digest('hex'),
  }));
  mkdirSync(join(resultsDir, 'releases'), { recursive: true });
  writeFileSync(
    join(resultsDir, 'releases', `${o.release}.json`),
    `${JSON.stringify({ releaseFormat: 1, release: o.release, date: o.date, commit: o.commit, suites: o.suites, records }, null, 2)}\n`,
  );
}

export function syntheticManifest(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: id
      .split('-')
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join(' '),
    version: '1.0.0',
    description: `Synthetic description of ${id}: scores every prunable weight and keeps the top ones.`,
    when: 'after-training',
    scope: 'global',
    needs: ['data'],
    output: 'scores',
    hyperparameters: {
      iterations: { type: 'integer', default: 1, minimum: 1, help: 'Scoring iterations.' },
      temperature: { type: 'number', default: 0.5, exclusiveMinimum: 0, help: 'Softmax temperature.' },
      normalise: { type: 'boolean', default: true, help: 'Normalise the scores.' },
    },
    paper: {
      title: `A paper about ${id}`,
      authors: 'A. Author and B. Author',
      year: 2020,
      url: 'https://example.org/paper',
      bibtex: `@inproceedings{${id.replace(/-/g, '')}2020,\n  title = {A paper about ${id}},\n  author = {Author, A. and Author, B.},\n  year = {2020}\n}`,
    },
    ...overrides,
  };
}

export function writeManifests(methodsDir: string, manifests: ReadonlyArray<Record<string, unknown>>): void {
  for (const m of manifests) {
    const dir = join(methodsDir, String(m.id));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  }
}
