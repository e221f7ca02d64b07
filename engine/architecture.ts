/** Declarative network architectures. Suites define concrete ones; the engine builds and runs them. */

export type Activation = 'relu' | 'linear';

export interface DenseLayer {
  kind: 'dense';
  name: string;
  units: number;
  activation: Activation;
}

export interface Conv2dLayer {
  kind: 'conv2d';
  name: string;
  filters: number;
  kernelSize: number;
  stride?: number;
  padding: 'same' | 'valid';
  activation: Activation;
}

export interface MaxPoolLayer {
  kind: 'maxPool';
  size: number;
  stride?: number;
}

export interface FlattenLayer {
  kind: 'flatten';
}

export type LayerSpec = DenseLayer | Conv2dLayer | MaxPoolLayer | FlattenLayer;

export interface ArchitectureSpec {
  id: string;
  /** Shape of one input sample (no batch dimension), NHWC for images. */
  inputShape: number[];
  layers: LayerSpec[];
}

export interface ParameterInfo {
  name: string;
  layer: string;
  role: 'kernel' | 'bias';
  shape: number[];
  /** Fan-in used for initialisation (n_in for dense, k·k·c_in for conv). */
  fanIn: number;
  prunable: boolean;
  /** Multiply–adds each weight of this parameter performs per sample (1 for dense, H_out·W_out for conv). */
  macsPerWeight: number;
}

/** Walks the layers, tracking the activation shape, and lists every parameter with its shape. */
export function describeParameters(spec: ArchitectureSpec): ParameterInfo[] {
  const out: ParameterInfo[] = [];
  let shape = [...spec.inputShape];
  for (const layer of spec.layers) {
    switch (layer.kind) {
      case 'dense': {
        if (shape.length !== 1) throw new Error(`${spec.id}: dense layer '${layer.name}' needs a flat input, got [${shape}]`);
        const nIn = shape[0];
        out.push({
          name: `${layer.name}/kernel`,
          layer: layer.name,
          role: 'kernel',
          shape: [nIn, layer.units],
          fanIn: nIn,
          prunable: true,
          macsPerWeight: 1,
        });
        out.push({
          name: `${layer.name}/bias`,
          layer: layer.name,
          role: 'bias',
          shape: [layer.units],
          fanIn: nIn,
          prunable: false,
          macsPerWeight: 0,
        });
        shape = [layer.units];
        break;
      }
      case 'conv2d': {
        if (shape.length !== 3) throw new Error(`${spec.id}: conv layer '${layer.name}' needs an HWC input, got [${shape}]`);
        const [h, w, c] = shape;
        const k = layer.kernelSize;
        const s = layer.stride ?? 1;
        const hOut = layer.padding === 'same' ? Math.ceil(h / s) : Math.floor((h - k) / s) + 1;
        const wOut = layer.padding === 'same' ? Math.ceil(w / s) : Math.floor((w - k) / s) + 1;
        out.push({
          name: `${layer.name}/kernel`,
          layer: layer.name,
          role: 'kernel',
          shape: [k, k, c, layer.filters],
          fanIn: k * k * c,
          prunable: true,
          macsPerWeight: hOut * wOut,
        });
        out.push({
          name: `${layer.name}/bias`,
          layer: layer.name,
          role: 'bias',
          shape: [layer.filters],
          fanIn: k * k * c,
          prunable: false,
          macsPerWeight: 0,
        });
        shape = [hOut, wOut, layer.filters];
        break;
      }
      case 'maxPool': {
        const [h, w, c] = shape;
        const s = layer.stride ?? layer.size;
        shape = [Math.floor((h - layer.size) / s) + 1, Math.floor((w - layer.size) / s) + 1, c];
        break;
      }
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
    }
  }
  return out;
}
