import type { PruneContext } from '../../api/method-api.ts';

type Tf = PruneContext['tf'];
type GradConfig = Parameters<Tf['registerGradient']>[0];
type Tensor = ReturnType<Tf['tensor']>;
type Tensor4D = ReturnType<Tf['tensor4d']>;
type Padding = Parameters<Tf['conv2d']>[3];

/**
 * tfjs-core registers no gradient for two kernels that appear in the backward pass of a conv
 * network, so differentiating a gradient (a Hessian-vector product) through conv2d or maxPool
 * fails. These are their gradients; both kernels are linear in `dy`.
 */
function missingSecondOrderGradients(tf: Tf): GradConfig[] {
  const conv2dBackpropFilter: GradConfig = {
    kernelName: 'Conv2DBackpropFilter',
    inputsToSave: ['x', 'dy'],
    gradFunc: (upstream, saved, attrs) => {
      const [x, dy] = saved as Tensor4D[];
      const ddw = upstream as Tensor4D;
      const strides = attrs.strides as [number, number] | number;
      const pad = attrs.pad as Padding;
      const dimRoundingMode = attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined;
      return {
        // dW = Σ x-patch ⊗ dy is bilinear: its derivative in dy is the forward conv of x with ddw,
        // in x the transposed conv of dy with ddw.
        dy: () => tf.conv2d(x, ddw, strides, pad, 'NHWC', 1, dimRoundingMode),
        x: () => tf.conv2dTranspose(dy, ddw, x.shape, strides, pad, dimRoundingMode),
      };
    },
  };
  const maxPoolGrad: GradConfig = {
    kernelName: 'MaxPoolGrad',
    inputsToSave: ['dy', 'input'],
    gradFunc: (upstream, saved, attrs) => {
      const [dy, input] = saved as Tensor4D[];
      const ddx = upstream as Tensor;
      const filterSize = attrs.filterSize as [number, number] | number;
      const strides = attrs.strides as [number, number] | number;
      const pad = attrs.pad as 'valid' | 'same' | number;
      return {
        // maxPoolGrad routes each dy to its window's argmax, so its transpose reads ddx there; the
        // routing is piecewise constant in the input and output.
        dy: () => {
          const { indexes } = tf.maxPoolWithArgmax(input, filterSize, strides, pad, true);
          return tf.reshape(tf.gather(tf.reshape(ddx, [-1]), tf.reshape(indexes, [-1])), dy.shape);
        },
        input: () => tf.zerosLike(input),
        output: () => tf.zerosLike(dy),
      };
    },
  };
  return [conv2dBackpropFilter, maxPoolGrad];
}

/**
 * Runs `compute` with the missing second-order gradients registered, and unregisters exactly the
 * ones it added afterwards, so no global tfjs state outlives the call.
 */
export function withSecondOrderGradients<T>(tf: Tf, compute: () => T): T {
  const added: string[] = [];
  try {
    for (const config of missingSecondOrderGradients(tf)) {
      if (tf.getGradient(config.kernelName) != null) continue;
      tf.registerGradient(config);
      added.push(config.kernelName);
    }
    return compute();
  } finally {
    for (const kernelName of added) tf.unregisterGradient(kernelName);
  }
}
