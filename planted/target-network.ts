/**
 * Target networks: small, known, sparse ReLU MLPs that are planted into a random mother network.
 * Values are float64 so the constructions are exact up to double rounding; planting rounds to float32.
 */

/** Marks an edge or a neuron that belongs to every sub-ticket (e.g. an output bias both gated branches use). */
export const SHARED_TICKET = -1;

export interface TargetLayer {
  nIn: number;
  nOut: number;
  /** nIn × nOut, row-major (index = in·nOut + out), like the engine's dense kernels. Zero = no edge. */
  kernel: Float64Array;
  bias: Float64Array;
  /** Sub-ticket of each kernel entry (index into TargetNetwork.subTickets, or SHARED_TICKET); read only where kernel ≠ 0. */
  edgeTicket: Int8Array;
  /** Sub-ticket of each neuron, which owns its bias. */
  neuronTicket: Int8Array;
}

/** A ReLU MLP: every layer but the last applies ReLU; the last is linear. */
export interface TargetNetwork {
  name: string;
  dIn: number;
  dOut: number;
  layers: TargetLayer[];
  /** Names of the sub-tickets; a single-ticket target has one. */
  subTickets: string[];
}

export function emptyLayer(nIn: number, nOut: number, ticket = 0): TargetLayer {
  return {
    nIn,
    nOut,
    kernel: new Float64Array(nIn * nOut),
    bias: new Float64Array(nOut),
    edgeTicket: new Int8Array(nIn * nOut).fill(ticket),
    neuronTicket: new Int8Array(nOut).fill(ticket),
  };
}

export function setWeight(layer: TargetLayer, from: number, to: number, value: number): void {
  if (from < 0 || from >= layer.nIn || to < 0 || to >= layer.nOut) {
    throw new Error(`setWeight: edge ${from} → ${to} is outside a ${layer.nIn} × ${layer.nOut} layer`);
  }
  layer.kernel[from * layer.nOut + to] = value;
}

export function getWeight(layer: TargetLayer, from: number, to: number): number {
  return layer.kernel[from * layer.nOut + to];
}

/** A layer that passes nonnegative activations through unchanged: ReLU(x) = x for x ≥ 0. */
export function identityLayer(n: number, ticket = 0): TargetLayer {
  const layer = emptyLayer(n, n, ticket);
  for (let i = 0; i < n; i++) setWeight(layer, i, i, 1);
  return layer;
}

/**
 * Sets to exactly 0 the weights that are rounding residue (|w| ≤ 1e-9 · the layer's largest |w|),
 * e.g. the slope changes of a linear function computed as differences of equal slopes, so that they
 * do not become planted edges.
 */
export function dropRoundingResidue(network: TargetNetwork): void {
  for (const layer of network.layers) {
    let largest = 0;
    for (const w of layer.kernel) largest = Math.max(largest, Math.abs(w));
    const threshold = 1e-9 * largest;
    for (let i = 0; i < layer.kernel.length; i++) if (Math.abs(layer.kernel[i]) <= threshold) layer.kernel[i] = 0;
  }
}

export function validateTarget(network: TargetNetwork): void {
  const { name, layers } = network;
  if (layers.length === 0) throw new Error(`target '${name}': no layers`);
  if (layers[0].nIn !== network.dIn) throw new Error(`target '${name}': first layer reads ${layers[0].nIn} inputs, dIn is ${network.dIn}`);
  if (layers[layers.length - 1].nOut !== network.dOut)
    throw new Error(`target '${name}': last layer has ${layers[layers.length - 1].nOut} outputs, dOut is ${network.dOut}`);
  layers.forEach((layer, l) => {
    if (l > 0 && layer.nIn !== layers[l - 1].nOut)
      throw new Error(`target '${name}': layer ${l + 1} reads ${layer.nIn} values, layer ${l} has ${layers[l - 1].nOut}`);
    for (let j = 0; j < layer.nOut; j++) {
      let edges = 0;
      for (let i = 0; i < layer.nIn; i++) if (getWeight(layer, i, j) !== 0) edges++;
      if (edges === 0) throw new Error(`target '${name}': neuron ${j} of layer ${l + 1} has no incoming edge`);
    }
    for (const t of [...layer.edgeTicket, ...layer.neuronTicket]) {
      if (t !== SHARED_TICKET && (t < 0 || t >= network.subTickets.length))
        throw new Error(`target '${name}': sub-ticket ${t} does not exist`);
    }
  });
}

/** Widest layer of the target (the mother's hidden width must be at least this). */
export function widestHiddenLayer(network: TargetNetwork): number {
  return Math.max(0, ...network.layers.slice(0, -1).map((l) => l.nOut));
}

export function countEdges(layer: TargetLayer): number {
  let edges = 0;
  for (const w of layer.kernel) if (w !== 0) edges++;
  return edges;
}

/** Outputs of the target network (n × dOut, float64) for n row-major inputs. */
export function evaluateTarget(network: TargetNetwork, x: ArrayLike<number>, n: number): Float64Array {
  if (x.length !== n * network.dIn) throw new Error(`evaluateTarget: ${x.length} input values for ${n} samples of width ${network.dIn}`);
  const out = new Float64Array(n * network.dOut);
  const last = network.layers.length - 1;
  const input = new Float64Array(network.dIn);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < network.dIn; i++) input[i] = x[s * network.dIn + i];
    let activation = input;
    network.layers.forEach((layer, l) => {
      const next = Float64Array.from(layer.bias);
      for (let i = 0; i < layer.nIn; i++) {
        const a = activation[i];
        if (a === 0) continue;
        const row = i * layer.nOut;
        for (let j = 0; j < layer.nOut; j++) next[j] += a * layer.kernel[row + j];
      }
      if (l < last) for (let j = 0; j < next.length; j++) next[j] = Math.max(0, next[j]);
      activation = next;
    });
    out.set(activation, s * network.dOut);
  }
  return out;
}
