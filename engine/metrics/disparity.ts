import { requireLength } from './argument-checks.ts';

export interface GroupAccuracy {
  group: number;
  count: number;
  accuracy: number;
}

export interface GroupImpact extends GroupAccuracy {
  /** The dense reference's accuracy on this group; null for a dense run. */
  denseAccuracy: number | null;
  /** ψ_g = (A_dense(g) − A_sparse(g)) − (A_dense − A_sparse); null for a dense run. */
  psi: number | null;
}

export interface DisparateImpact {
  groupBy: 'class' | 'attribute';
  groups: GroupImpact[];
  maxPsi: number | null;
  /** Ψ = max_g ψ_g − min_g ψ_g. */
  psiRange: number | null;
  /** min_g A_sparse(g), over groups with at least one sample. */
  worstGroupAccuracy: number;
}

/** Accuracy within each group that occurs, sorted by group id. */
export function groupAccuracies(predicted: Int32Array, labels: Int32Array, groups: Int32Array): GroupAccuracy[] {
  if (labels.length === 0) throw new Error('groupAccuracies: labels is empty; a metric needs at least one sample');
  requireLength('groupAccuracies', 'predicted', predicted, labels.length, 'one prediction per label');
  requireLength('groupAccuracies', 'groups', groups, labels.length, 'one group per label');
  const tally = new Map<number, { count: number; correct: number }>();
  for (let i = 0; i < labels.length; i++) {
    let entry = tally.get(groups[i]);
    if (!entry) tally.set(groups[i], (entry = { count: 0, correct: 0 }));
    entry.count++;
    if (predicted[i] === labels[i]) entry.correct++;
  }
  return [...tally.entries()].sort(([a], [b]) => a - b).map(([group, { count, correct }]) => ({ group, count, accuracy: correct / count }));
}

/**
 * Disparate impact of pruning (Hashemizadeh et al. 2024, docs/protocol.md, Metrics). A positive ψ_g means group g lost
 * more accuracy than the model did overall. Pass null for both dense arguments when scoring a dense run:
 * accuracies and the worst group are still reported, every ψ field is null.
 *
 * Groups with count 0 are ignored on both sides. The remaining groups must be the same on both sides with
 * the same counts, since both runs are evaluated on the same test split; anything else is an error.
 */
export function disparateImpact(
  sparseGroups: readonly GroupAccuracy[],
  denseGroups: readonly GroupAccuracy[] | null,
  sparseOverall: number,
  denseOverall: number | null,
  groupBy: 'class' | 'attribute',
): DisparateImpact {
  const fn = 'disparateImpact';
  if ((denseGroups === null) !== (denseOverall === null)) {
    throw new Error(
      `${fn}: denseGroups and denseOverall must both be given or both be null (got denseGroups ${denseGroups === null ? 'null' : 'given'}, denseOverall ${denseOverall})`,
    );
  }
  requireAccuracy(fn, 'sparseOverall', sparseOverall);
  if (denseOverall !== null) requireAccuracy(fn, 'denseOverall', denseOverall);
  const sparse = groupsByIdWithSamples(fn, 'sparseGroups', sparseGroups);
  if (sparse.size === 0) throw new Error(`${fn}: sparseGroups has no group with samples`);

  if (denseGroups === null || denseOverall === null) {
    const groups = [...sparse.values()].map((g) => ({ ...g, denseAccuracy: null, psi: null }));
    return { groupBy, groups, maxPsi: null, psiRange: null, worstGroupAccuracy: Math.min(...groups.map((g) => g.accuracy)) };
  }

  const dense = groupsByIdWithSamples(fn, 'denseGroups', denseGroups);
  const onlySparse = [...sparse.keys()].filter((g) => !dense.has(g));
  const onlyDense = [...dense.keys()].filter((g) => !sparse.has(g));
  if (onlySparse.length > 0 || onlyDense.length > 0) {
    throw new Error(
      `${fn}: sparseGroups and denseGroups cover different groups (only in sparseGroups: [${onlySparse}]; only in denseGroups: [${onlyDense}])`,
    );
  }
  const overallDrop = denseOverall - sparseOverall;
  const groups: GroupImpact[] = [...sparse.values()].map((g) => {
    const d = dense.get(g.group)!;
    if (d.count !== g.count) {
      throw new Error(
        `${fn}: group ${g.group} has ${g.count} samples in sparseGroups but ${d.count} in denseGroups; both runs must be evaluated on the same test split`,
      );
    }
    return { ...g, denseAccuracy: d.accuracy, psi: d.accuracy - g.accuracy - overallDrop };
  });
  const psis = groups.map((g) => g.psi as number);
  const maxPsi = Math.max(...psis);
  return { groupBy, groups, maxPsi, psiRange: maxPsi - Math.min(...psis), worstGroupAccuracy: Math.min(...groups.map((g) => g.accuracy)) };
}

/** Groups with count > 0, keyed and ordered by group id; rejects duplicates and invalid entries. */
function groupsByIdWithSamples(fn: string, argument: string, list: readonly GroupAccuracy[]): Map<number, GroupAccuracy> {
  const byId = new Map<number, GroupAccuracy>();
  const seen = new Set<number>();
  for (const entry of list) {
    if (!Number.isInteger(entry.group)) throw new Error(`${fn}: ${argument} has a non-integer group id ${entry.group}`);
    if (seen.has(entry.group)) throw new Error(`${fn}: ${argument} lists group ${entry.group} twice`);
    seen.add(entry.group);
    if (!Number.isInteger(entry.count) || entry.count < 0)
      throw new Error(`${fn}: ${argument} group ${entry.group} has invalid count ${entry.count}`);
    requireAccuracy(fn, `${argument} group ${entry.group} accuracy`, entry.accuracy);
    if (entry.count > 0) byId.set(entry.group, { group: entry.group, count: entry.count, accuracy: entry.accuracy });
  }
  return new Map([...byId.entries()].sort(([a], [b]) => a - b));
}

function requireAccuracy(fn: string, argument: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new Error(`${fn}: ${argument} = ${value} is not an accuracy in [0, 1]`);
}
