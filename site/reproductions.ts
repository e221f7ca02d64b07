/**
 * Paper reproductions (results/reproductions/<paper>.json, written by `prunebench reproduce`): read,
 * validated against results/schema/reproduction.schema.json, and turned into one page per paper with
 * the paper's claims, reported against measured, the gap, the verdict and the scale it was run at.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReproductionRecord } from '../harness/reproduce/reproduction-record.ts';
import { schemaProblems } from '../harness/schema/validator.ts';
import type { Rejection } from './load.ts';
import { safeName } from './paths.ts';

export interface ReproductionView {
  record: ReproductionRecord;
  /** Relative to the results directory, for the page's provenance line. */
  path: string;
}

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
    const problems = schemaProblems('reproduction', data);
    if (problems.length) {
      rejected.push({ path, problems });
      continue;
    }
    reproductions.push({ record: data as ReproductionRecord, path });
  }
  return { reproductions, rejected };
}
