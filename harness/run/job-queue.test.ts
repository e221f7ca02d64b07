import { describe, expect, it } from 'vitest';
import { JobQueue } from './job-queue.ts';

interface Job {
  id: string;
  needs?: string;
}

const dense = (id: string): Job => ({ id });
const sparse = (id: string, needs: string): Job => ({ id, needs });
const queueOf = (d: Job[], s: Job[]) => new JobQueue(d, s, (j) => j.id, (j) => j.needs!);

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
