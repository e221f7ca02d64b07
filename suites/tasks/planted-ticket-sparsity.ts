/**
 * The harness's keep count (harness/prune/select.ts, keepCountFor; suites/ sits below the harness
 * and may not import it): n − round(s·n), s·n in float64, halves rounded up. The test holds the two equal.
 */
function keepCount(total: number, sparsity: number): number {
  return total - Math.round(sparsity * total);
}

/**
 * The sparsity at which a mask keeps exactly as many weights as the planted ticket has edges: the
 * decimal with the fewest digits, and of those the nearest to 1 − edges/total (the lower on a tie),
 * whose keep count (harness/prune/select.ts) is `edges`. Suites write it out as a literal and reports
 * print it, hence the fewest digits.
 */
export function plantedTicketSparsity(edges: number, total: number): number {
  if (!Number.isInteger(edges) || !Number.isInteger(total) || edges < 1 || edges >= total)
    throw new Error(`a planted ticket of ${edges} of ${total} weights has no sparsity in (0, 1)`);
  const exact = 1 - edges / total;
  for (let digits = 1; digits <= 12; digits++) {
    const scale = 10 ** digits;
    const candidates = [Math.floor(exact * scale), Math.ceil(exact * scale)]
      .map((n) => Number((n / scale).toFixed(digits)))
      .filter((s) => s > 0 && s < 1 && keepCount(total, s) === edges)
      .sort((a, b) => Math.abs(a - exact) - Math.abs(b - exact));
    if (candidates.length) return candidates[0];
  }
  throw new Error(`no decimal sparsity keeps exactly ${edges} of ${total} weights`);
}
