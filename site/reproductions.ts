/**
 * Paper reproductions (results/reproductions/<paper>.json, written by `prunebench reproduce`): read,
 * validated against results/schema/reproduction.schema.json, and turned into one page per paper with
 * the paper's claims, reported against measured, the gap, the verdict and the scale it was run at.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ReproductionRecord } from '../harness/reproduce/reproduction-record.ts';
import { describeErrors, type Rejection } from './load.ts';
import { safeName } from './paths.ts';

export interface ReproductionView {
  record: ReproductionRecord;
  /** Relative to the results directory, for the page's provenance line. */
  path: string;
}

const schemaFile = fileURLToPath(new URL('../results/schema/reproduction.schema.json', import.meta.url));

export function reproductionPath(paperId: string): string {
  return `reproductions/${safeName(paperId)}.html`;
}

/** Every `<resultsDir>/reproductions/*.json`, valid ones as views and invalid ones as rejections. */
export function readReproductions(resultsDir: string): { reproductions: ReproductionView[]; rejected: Rejection[] } {
  const dir = join(resultsDir, 'reproductions');
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return { reproductions: [], rejected: [] };
  }
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const addFormats =
    (addFormatsModule as unknown as { default?: (a: Ajv) => void }).default ?? (addFormatsModule as unknown as (a: Ajv) => void);
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
  const reproductions: ReproductionView[] = [];
  const rejected: Rejection[] = [];
  for (const name of names) {
    const path = `reproductions/${name}`;
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch (e) {
      rejected.push({ path, problems: [`malformed JSON: ${(e as Error).message}`] });
      continue;
    }
    if (!validate(data)) {
      rejected.push({ path, problems: describeErrors(validate.errors) });
      continue;
    }
    reproductions.push({ record: data as ReproductionRecord, path });
  }
  return { reproductions, rejected };
}
