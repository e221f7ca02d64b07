import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { DirectKernels, OWN_KERNEL_BACKENDS } from './direct-kernels.ts';
import { AdamSchedule, FUSED_ADAM_KERNEL, type AdamConstants } from './fused-adam.ts';
import { denseBackward, denseForward } from './fused-dense.ts';
import { crossEntropyBackward, crossEntropyForward, squaredErrorBackward, squaredErrorForward } from './fused-loss.ts';
import { maskedCopy } from './fused-mask.ts';
import { copyInputRows, copyTargetRows } from './batches.ts';
import type { MaskedNetwork } from './network.ts';
import type { TrainingRecipe } from './recipe.ts';
import type { StepPosition, TrainingStepper } from './stepper.ts';
import { sizeOf, type Dataset, type TaskKind } from './types.ts';

/**
 * A whole training step of a masked MLP with Adam — batch, forward pass, loss, backward pass,
 * optimiser and mask re-application — as direct calls to the backend's kernels, in the order the
 * engine's tape would make them (the same kernel bodies the fused operations run), so the weights
 * are bit-identical to training through tfjs's engine (tests compare every step). The engine never
 * sees a step: no tape, no tensor tracking, no clones of saved tensors, which on small networks
 * (the planted tasks, LeNet-300-100) cost as much as the arithmetic. The trainer owns copies of
 * the parameters and Adam's moments; `sync` writes the parameters back to the network's
 * variables, which the training loop does before every validation.
 */
export class WholeStepTrainer implements TrainingStepper {
  private readonly backendName: string;
  private readonly backend: unknown;
  private readonly layers: LayerState[];
  private readonly schedule = new AdamSchedule();
  private readonly rowSize: number;

  /** Whether `network` and `recipe` are what this trainer handles; otherwise train through the engine. */
  static supports(network: MaskedNetwork, recipe: TrainingRecipe): boolean {
    const backendName = tf.getBackend();
    if (!(OWN_KERNEL_BACKENDS as readonly string[]).includes(backendName)) return false;
    if (recipe.optimizer !== 'adam' || (recipe.weightDecay ?? 0) !== 0) return false;
    // Dense layers only, after at most a flatten of the input (a reshape: no arithmetic).
    const firstDense = network.spec.layers.findIndex((l) => l.kind === 'dense');
    return firstDense >= 0 && network.spec.layers.every((l, i) => (i < firstDense ? l.kind === 'flatten' : l.kind === 'dense'));
  }

  constructor(
    network: MaskedNetwork,
    private readonly train: Dataset,
    private readonly kind: TaskKind,
  ) {
    this.backendName = tf.getBackend();
    this.backend = tf.backend();
    this.rowSize = sizeOf(train.inputShape);
    const k = this.kernels();
    const copy = (name: string): Slot => {
      const variable = network.variable(name);
      const values = variable.dataSync() as Float32Array;
      return { variable, value: k.make([...variable.shape], (target) => target.set(values)), m: null, v: null };
    };
    this.layers = [];
    try {
      for (const layer of network.spec.layers) {
        if (layer.kind !== 'dense') continue;
        const mask = network.maskTensor(`${layer.name}/kernel`);
        this.layers.push({
          kernel: copy(`${layer.name}/kernel`),
          bias: copy(`${layer.name}/bias`),
          mask: mask ? { dataId: mask.dataId, shape: mask.shape, dtype: mask.dtype } : null,
          relu: layer.activation === 'relu',
        });
      }
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  step(rows: Int32Array, learningRate: number, _position: StepPosition, wantLoss: boolean): number | null {
    const k = this.kernels();
    const b = rows.length;
    const x = k.make([b, this.rowSize], (target) => copyInputRows(this.train, rows, target));
    const targets = k.make([b, this.train.outputSize], (target) => copyTargetRows(this.train, rows, target));

    // Forward: each layer's input, pre-activation (relu layers) and W⊙M (masked layers) are kept for the backward pass.
    const saved: Array<{ input: TensorInfo; z: TensorInfo | null; masked: TensorInfo | null }> = [];
    let h = x;
    for (const layer of this.layers) {
      const outputs = denseForward(k, { x: h, w: layer.kernel.value, b: layer.bias.value, mask: layer.mask ?? undefined }, layer.relu);
      saved.push({ input: h, z: layer.relu ? outputs[1] : null, masked: layer.mask ? outputs[outputs.length - 1] : null });
      h = outputs[0];
    }
    const [loss, lossSaved] = this.kind === 'classification' ? crossEntropyForward(k, h, targets) : squaredErrorForward(k, h, targets);
    k.free(h);

    // Backward from d(loss) = 1, as the engine's gradient of a scalar starts. Each layer's input is
    // x or the previous layer's output; freeing every input (and the logits above) frees them all.
    const one = k.scalar(1);
    let dy =
      this.kind === 'classification' ? crossEntropyBackward(k, one, lossSaved, targets, b) : squaredErrorBackward(k, one, lossSaved, b);
    k.free(one, lossSaved, targets);
    const gradients: Array<{ kernel: TensorInfo; bias: TensorInfo }> = [];
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i];
      const { input, z, masked } = saved[i];
      const [dW, db, dx] = denseBackward(
        k,
        { dy, x: input, z: z ?? undefined, weights: masked ?? layer.kernel.value, mask: layer.mask ?? undefined },
        { relu: layer.relu, needDx: i > 0, biasShape: layer.bias.value.shape },
      );
      gradients[i] = { kernel: dW, bias: db };
      k.free(dy, input, ...(z ? [z] : []), ...(masked ? [masked] : []));
      dy = dx;
    }

    const constants = this.schedule.constants(learningRate);
    this.layers.forEach((layer, i) => {
      this.adam(k, layer.kernel, gradients[i].kernel, constants);
      this.adam(k, layer.bias, gradients[i].bias, constants);
      k.free(gradients[i].kernel, gradients[i].bias);
    });
    this.schedule.advance();
    for (const layer of this.layers) {
      if (!layer.mask) continue;
      const pruned = maskedCopy(k, layer.kernel.value, layer.mask);
      k.free(layer.kernel.value);
      layer.kernel.value = pruned;
    }

    const value = wantLoss ? k.read(loss)[0] : null;
    k.free(loss);
    return value;
  }

  sync(): void {
    const k = this.kernels();
    tf.tidy(() => {
      for (const slot of this.slots()) slot.variable.assign(tf.tensor(k.read(slot.value), slot.variable.shape, 'float32'));
    });
  }

  dispose(): void {
    const k = this.kernels();
    for (const slot of this.slots()) {
      k.free(slot.value, ...(slot.m ? [slot.m] : []), ...(slot.v ? [slot.v] : []));
      slot.m = slot.v = null;
    }
    this.layers.length = 0;
  }

  private kernels(): DirectKernels {
    return new DirectKernels(this.backendName, this.backend, 'WholeStepTrainer');
  }

  private *slots(): Generator<Slot> {
    for (const layer of this.layers) yield* [layer.kernel, layer.bias];
  }

  /** Adam's moments start as zeros at a parameter's first gradient, as the optimiser's do. */
  private adam(k: DirectKernels, slot: Slot, gradient: TensorInfo, constants: AdamConstants): void {
    const zeros = () => k.make([...slot.value.shape], (values) => values.fill(0));
    slot.m ??= zeros();
    slot.v ??= zeros();
    const [value, m, v] = k.runMany(FUSED_ADAM_KERNEL, { value: slot.value, gradient, m: slot.m, v: slot.v }, constants);
    k.free(slot.value, slot.m, slot.v);
    slot.value = value;
    slot.m = m;
    slot.v = v;
  }
}

interface Slot {
  variable: tf.Variable;
  value: TensorInfo;
  m: TensorInfo | null;
  v: TensorInfo | null;
}

interface LayerState {
  kernel: Slot;
  bias: Slot;
  mask: TensorInfo | null;
  relu: boolean;
}
