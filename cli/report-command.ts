import { resolve } from 'node:path';
import { aggregateSuite } from '../harness/aggregate/scope.ts';
import { planSuite } from '../harness/jobs/plan.ts';
import { jobId } from '../harness/jobs/spec.ts';
import { ResultStore } from '../harness/store/store.ts';
import { renderReport, type ReportFormat } from '../harness/report/report.ts';
import { getSuite, getTask } from '../harness/registry/suites.ts';
import { listMethods } from '../harness/registry/methods.ts';

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
  const manifests = listMethods().map((m) => m.manifest);
  const { records, errors } = new ResultStore(resolve(opts.results)).readAll();
  for (const e of errors) console.error(`skipping invalid record: ${e.message}`);
  // The ranking rule the site uses too (harness/aggregate/scope.ts): every method's records on the suite's grid.
  print(renderReport(aggregateSuite(suite, records), opts.format as ReportFormat));
  const present = new Set(records.map((r) => r.id));
  const suiteJobs = new Set([...planSuite(suite, { getTask, listMethodManifests: () => manifests }).sparse].map(jobId));
  const missing = [...suiteJobs].filter((id) => !present.has(id)).length;
  if (missing > 0 && opts.format !== 'json' && opts.format !== 'csv')
    console.error(
      `${missing} of ${suiteJobs.size} pruning jobs of suite '${suite.id}' have no record yet (run \`prunebench run --suite ${suite.id}\`)`,
    );
  return errors.length ? 1 : 0;
}
