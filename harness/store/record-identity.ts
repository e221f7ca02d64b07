/**
 * What makes a record file trustworthy beyond its schema: its id is the identity of its job spec,
 * and it sits at the path that identity gives. A tampered id, a record moved into another method's
 * folder and a renamed copy all fail here. Every reader of a results directory applies these checks
 * (the store, validate, the site), so a bad record is an error naming its file, never counted.
 */
import { jobId, recordRelativePath, type JobSpec } from '../jobs/spec.ts';

/** Problems of one record at `relativePath` (below the results root, '/'-separated), as "path: message". */
export function recordIdentityProblems(record: { id: string; job: JobSpec }, relativePath: string): string[] {
  const problems: string[] = [];
  const expectedId = jobId(record.job);
  if (record.id !== expectedId) problems.push(`/id: '${record.id}' is not the identity of the job spec (expected ${expectedId})`);
  const expectedPath = recordRelativePath(record.job);
  if (relativePath !== expectedPath) {
    const outside = relativePath.startsWith('..')
      ? ' (the file is outside the results directory: pass --results with the folder that holds runs/)'
      : '';
    problems.push(`(root): record is at '${relativePath}', its job identity puts it at '${expectedPath}'${outside}`);
  }
  return problems;
}

/** Files that hold a record id already held by an earlier file: "path: message" problems by file. */
export function duplicateIdProblems(files: Array<{ file: string; id: string }>): Map<string, string> {
  const first = new Map<string, string>();
  const problems = new Map<string, string>();
  for (const { file, id } of files) {
    const earlier = first.get(id);
    if (earlier) problems.set(file, `/id: duplicate record id ${id} (also in ${earlier})`);
    else first.set(id, file);
  }
  return problems;
}
