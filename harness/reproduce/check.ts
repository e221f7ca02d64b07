/**
 * Validation of reproduction records (results/reproductions/*.json) for `prunebench validate`: the
 * schema, the file name, the summary, and every verdict and gap recomputed from the reported value,
 * the measured value and the tolerance the record states.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseJsonFile, SchemaError, schemaProblems } from '../schema/validator.ts';
import { fromSchema, type Problem } from '../validate/file-checks.ts';
import { paperSuites } from '../registry/suites.ts';
import { summarize, type ReproductionRecord } from './reproduction-record.ts';
import { judge } from './verdict.ts';

/** Gaps are written as computed; allow for nothing but float formatting. */
const GAP_EPSILON = 1e-9;

function error(file: string, path: string, message: string): Problem {
  return { file, path, message, severity: 'error' };
}

/** Problems in reproduction record files, in the same shape as harness/validate/file-checks.ts. */
export function checkReproductionFiles(files: readonly string[]): Problem[] {
  return files.flatMap(checkReproductionFile);
}

function checkReproductionFile(file: string): Problem[] {
  let data: unknown;
  try {
    data = parseJsonFile(file, readFileSync(file, 'utf8'));
  } catch (e) {
    return [error(file, '(root)', e instanceof SchemaError ? e.problems.join('; ') : (e as Error).message)];
  }
  const schema = fromSchema(file, schemaProblems('reproduction', data));
  if (schema.length) return schema;
  const record = data as ReproductionRecord;
  const problems: Problem[] = [];

  if (basename(file) !== `${record.paper.id}.json`)
    problems.push(error(file, '/paper/id', `'${record.paper.id}' does not match the file name '${basename(file)}'`));
  if (!paperSuites.some((p) => p.paper.id === record.paper.id)) {
    problems.push({
      file,
      path: '/paper/id',
      message: `no paper suite '${record.paper.id}' is registered (suites/papers/)`,
      severity: 'warning',
    });
  }

  const seen = new Set<string>();
  record.claims.forEach((claim, i) => {
    const at = `/claims/${i}`;
    if (seen.has(claim.id)) problems.push(error(file, `${at}/id`, `duplicate claim id '${claim.id}'`));
    seen.add(claim.id);
    if (claim.verdict === 'not run') {
      if (claim.measured !== null || claim.gap !== null)
        problems.push(error(file, at, "a 'not run' claim has no measured value and no gap"));
      if (claim.missing.length === 0) problems.push(error(file, `${at}/missing`, "a 'not run' claim must say which results are missing"));
      return;
    }
    if (claim.measured === null || claim.gap === null) {
      problems.push(error(file, at, `a '${claim.verdict}' claim needs a measured value and a gap`));
      return;
    }
    let judged;
    try {
      judged = judge(claim, claim.measured);
    } catch (e) {
      problems.push(error(file, `${at}/measured`, (e as Error).message));
      return;
    }
    if (judged.verdict !== claim.verdict)
      problems.push(
        error(
          file,
          `${at}/verdict`,
          `'${claim.verdict}' does not follow from the measured value, the reported value and the tolerance (expected '${judged.verdict}')`,
        ),
      );
    if (Math.abs(judged.gap - claim.gap) > GAP_EPSILON)
      problems.push(error(file, `${at}/gap`, `${claim.gap} is not the gap of the measured and reported values (expected ${judged.gap})`));
  });

  const expected = summarize(record.claims.map((c) => c.verdict));
  for (const key of Object.keys(expected) as Array<keyof typeof expected>) {
    if (record.summary[key] !== expected[key])
      problems.push(
        error(file, `/summary/${key}`, `${record.summary[key]} does not count the claims' verdicts (expected ${expected[key]})`),
      );
  }

  // The record sits at <results>/reproductions/<id>.json; the run records it names are under <results>.
  const resultsDir = dirname(dirname(file));
  record.jobs.forEach((job, i) => {
    if (job.status !== 'missing' && !existsSync(join(resultsDir, job.path))) {
      problems.push({
        file,
        path: `/jobs/${i}/path`,
        message: `the ${job.status} record ${job.path} is not in ${resultsDir}`,
        severity: 'warning',
      });
    }
  });
  return problems;
}
