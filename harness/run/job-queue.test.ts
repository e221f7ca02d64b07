import { describe, expect, it } from 'vitest';
import { JobQueue } from './job-queue.ts';

interface Job {
  id: string;
  needs?: string;
}

const dense = (id: string): Job => ({ id });
const sparse = (id: string, needs: string): Job => ({ id, needs });
const queueOf = (d: Job[], s: Job[]) =>
  new JobQueue(
    d,
    s,
    (j) => j.id,
    (j) => j.needs!,
  );

describe('JobQueue', () => {
  it('hands out dense jobs first, then sparse jobs in plan order once their dense job is done', async () => {
    const q = queueOf([dense('A'), dense('B')], [sparse('a1', 'A'), sparse('b1', 'B'), sparse('a2', 'A')]);
    const a = (await q.next())!;
    const b = (await q.next())!;
    expect([a.id, b.id]).toEqual(['A', 'B']);
    q.denseFinished(b);
    // A is still training: b1 may start, a1 and a2 wait.
    expect((await q.next())!.id).toBe('b1');
    let handed: Job | null | undefined;
    const waiting = q.next().then((j) => (handed = j));
    await Promise.resolve();
    expect(handed).toBeUndefined();
    q.denseFinished(a);
    await waiting;
    expect(handed!.id).toBe('a1');
    expect((await q.next())!.id).toBe('a2');
    expect(await q.next()).toBeNull();
  });

  it('starts sparse jobs at once whose dense reference is not in the queue (cached)', async () => {
    const q = queueOf([dense('A')], [sparse('a1', 'A'), sparse('c1', 'C')]);
    expect((await q.next())!.id).toBe('A');
    expect((await q.next())!.id).toBe('c1');
  });

  it('releases the sparse jobs of a dense job that failed, and ends waiting callers on close', async () => {
    const q = queueOf([dense('A')], [sparse('a1', 'A'), sparse('a2', 'A')]);
    const a = (await q.next())!;
    const first = q.next();
    const second = q.next();
    q.denseFinished(a);
    expect([(await first)!.id, (await second)!.id]).toEqual(['a1', 'a2']);

    const closing = queueOf([dense('B')], [sparse('b1', 'B')]);
    await closing.next();
    const pending = closing.next();
    closing.close();
    expect(await pending).toBeNull();
    expect(await closing.next()).toBeNull();
  });
});

describe('JobQueue with trunks', () => {
  interface TrunkJob extends Job {
    trunk?: string;
    sparsity: number;
  }
  const job = (id: string, sparsity: number, trunk?: string): TrunkJob => ({ id, needs: 'D', sparsity, trunk });
  const trunkQueue = (jobs: TrunkJob[]) =>
    new JobQueue<TrunkJob>(
      [],
      jobs,
      (j) => j.id,
      (j) => j.needs!,
      (j) => (j.trunk ? { trunk: j.trunk, sparsity: j.sparsity } : null),
    );

  it("hands out a trunk's jobs by ascending sparsity, one at a time, and other jobs meanwhile", async () => {
    const q = trunkQueue([job('t99', 0.99, 'T'), job('x', 0.5), job('t50', 0.5, 'T'), job('u90', 0.9, 'U'), job('t90', 0.9, 'T')]);
    const first = (await q.next())!;
    expect(first.id).toBe('t50');
    // T's next job waits for t50: the others go out in plan order.
    expect((await q.next())!.id).toBe('x');
    expect((await q.next())!.id).toBe('u90');
    let handed: TrunkJob | null | undefined;
    const waiting = q.next().then((j) => (handed = j));
    await Promise.resolve();
    expect(handed).toBeUndefined();
    q.sparseFinished(first);
    await waiting;
    expect(handed!.id).toBe('t90');
    q.sparseFinished(handed!);
    expect((await q.next())!.id).toBe('t99');
    expect(await q.next()).toBeNull();
  });
});
