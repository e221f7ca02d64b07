import type { Splits } from '../../engine/types.ts';

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Whether two typed arrays hold the same bytes (a fast equality for million-element arrays in tests). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.constructor === b.constructor && bytesOf(a).equals(bytesOf(b));
}

/** Whether two sets of splits are identical: sizes, shapes and every array byte for byte. */
export function sameSplits(a: Splits, b: Splits): boolean {
  return (['train', 'validation', 'test'] as const).every((name) => {
    const p = a[name];
    const q = b[name];
    const sameGroups = p.groups === undefined ? q.groups === undefined : q.groups !== undefined && sameBytes(p.groups, q.groups);
    return (
      p.n === q.n &&
      p.outputSize === q.outputSize &&
      p.inputShape.join() === q.inputShape.join() &&
      sameBytes(p.x, q.x) &&
      sameBytes(p.y, q.y) &&
      sameGroups
    );
  });
}
