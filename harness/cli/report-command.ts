import { resolve } from 'node:path';
import { aggregate } from '../aggregate/aggregate.ts';
import { planSuite } from '../jobs/plan.ts';
import { jobId } from '../jobs/spec.ts';
import { ResultStore } from '../store/store.ts';
import { renderReport, type ReportFormat } from '../report/report.ts';
import { getSuite, getTask } from '../../suites/registry.ts';
import { listMethods } from '../../methods/registry.ts';

export interface ReportOptions {
  suite: string;
  format: string;
  results: string;
}

const formats: ReportFormat[] = ['table', 'markdown', 'csv', 'json'];

export async function reportCommand(opts: ReportOptions, print: (text: string) => void = console.log): Promise<number> {
  if (!formats.includes(opts.format as ReportFormat)) {
    console.error(`prunebench report: --format must be one of ${formats.join(', ')}, got '${opts.format}'`);
    return 1;
  }
  const suite = getSuite(opts.suite);
  // Every registered method's records on the suite's grid, so a submission run with --methods shows up.
  const manifests = listMethods().map((m) => m.manifest);
  const plan = planSuite(suite, { getTask, listMethodManifests: () => manifests }, { methods: manifests.map((m) => m.id) });
  const wanted = new Set([...plan.dense, ...plan.sparse].map(jobId));
  const { records, errors } = new ResultStore(resolve(opts.results)).readAll();
  for (const e of errors) console.error(`skipping invalid record: ${e.message}`);
  const inSuite = records.filter((r) => wanted.has(r.id));
  print(renderReport(aggregate(inSuite), opts.format as ReportFormat));
  const suiteJobs = new Set([...planSuite(suite, { getTask, listMethodManifests: () => manifests }).sparse].map(jobId));
  const missing = [...suiteJobs].filter((id) => !inSuite.some((r) => r.id === id)).length;
  if (missing > 0 && opts.format !== 'json' && opts.format !== 'csv') console.error(`${missing} of ${suiteJobs.size} pruning jobs of suite '${suite.id}' have no record yet (run \`prunebench run --suite ${suite.id}\`)`);
  return errors.length ? 1 : 0;
}
