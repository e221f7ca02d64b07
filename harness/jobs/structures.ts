/**
 * A job's sparsity structure as text ('unstructured', 'neuron', 'filter', 'N:M') and what the
 * planner needs to know of it; the masks' side is harness/prune/structure.ts.
 */
import type { Structure } from '../../api/method-api.ts';
import type { ArchitectureSpec } from '../../engine/architecture.ts';

export function parseStructure(text: string): Structure {
  if (text === 'unstructured' || text === 'neuron' || text === 'filter') return { kind: text };
  const nm = /^(\d+):(\d+)$/.exec(text);
  if (nm) {
    const [n, m] = [Number(nm[1]), Number(nm[2])];
    if (n >= 1 && m >= 2 && n < m) return { kind: 'n:m', n, m };
  }
  throw new Error(`structure '${text}': expected unstructured, neuron, filter or N:M with 1 ≤ N < M (e.g. 2:4)`);
}

/** 'unstructured', 'neuron', 'filter' or 'N:M'. */
export function structureLabel(structure: Structure): string {
  return structure.kind === 'n:m' ? `${structure.n}:${structure.m}` : structure.kind;
}

/** How many layers' units the structure may remove: dense layers (neuron) or convolutions (filter) before the last kernel. */
export function removableLayerCount(architecture: ArchitectureSpec, kind: 'neuron' | 'filter'): number {
  const kernels = architecture.layers.filter((l) => l.kind === 'dense' || l.kind === 'conv2d');
  return kernels.slice(0, -1).filter((l) => l.kind === (kind === 'neuron' ? 'dense' : 'conv2d')).length;
}
