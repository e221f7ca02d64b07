/**
 * Marks the `count` largest of `values` among the eligible positions (every position when
 * `eligible` is omitted; otherwise where it is 1), ties broken by the lowest index. Linear time, so
 * it can run every training step. Methods use it for their own masks; the harness cuts a method's
 * scores with seeded tie-breaking instead (`seededTopMask` in harness/prune/select.ts).
 */
export function largestMask(values: ArrayLike<number>, count: number, eligible?: ArrayLike<number>): Float32Array {
  const size = values.length;
  const isEligible = (i: number) => !eligible || eligible[i] === 1;
  let candidates = 0;
  for (let i = 0; i < size; i++) if (isEligible(i)) candidates++;
  if (!Number.isInteger(count) || count < 0 || count > candidates)
    throw new Error(`cannot keep ${count} of ${candidates} eligible weights`);
  const mask = new Float32Array(size);
  if (count === 0) return mask;

  const pool = new Float64Array(candidates);
  let filled = 0;
  for (let i = 0; i < size; i++) {
    if (!isEligible(i)) continue;
    if (Number.isNaN(values[i])) throw new Error(`value at index ${i} is NaN`);
    pool[filled++] = values[i];
  }
  const threshold = kthLargest(pool, count);
  let taken = 0;
  for (let i = 0; i < size; i++) {
    if (isEligible(i) && values[i] > threshold) {
      mask[i] = 1;
      taken++;
    }
  }
  for (let i = 0; i < size && taken < count; i++) {
    if (isEligible(i) && values[i] === threshold) {
      mask[i] = 1;
      taken++;
    }
  }
  return mask;
}

/** The k-th largest value (k ≥ 1) by quickselect; the three-way partition keeps runs of equal values linear. Reorders `pool`. */
function kthLargest(pool: Float64Array, k: number): number {
  const target = pool.length - k;
  let low = 0;
  let high = pool.length - 1;
  while (low < high) {
    const pivot = medianOfThree(pool[low], pool[(low + high) >>> 1], pool[high]);
    let below = low;
    let scan = low;
    let above = high;
    while (scan <= above) {
      const v = pool[scan];
      if (v < pivot) {
        pool[scan] = pool[below];
        pool[below] = v;
        below++;
        scan++;
      } else if (v > pivot) {
        pool[scan] = pool[above];
        pool[above] = v;
        above--;
      } else scan++;
    }
    if (target < below) high = below - 1;
    else if (target > above) low = above + 1;
    else return pivot;
  }
  return pool[low];
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : Math.max(a, c);
  return a < c ? a : Math.max(b, c);
}
