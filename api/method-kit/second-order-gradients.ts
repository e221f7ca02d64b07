import type * as tfcore from '@tensorflow/tfjs-core';

type Tf = typeof tfcore;
type Tensor4D = tfcore.Tensor4D;
type Pad = 'valid' | 'same' | number;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: Rounding;
}

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: Pad;
  dimRoundingMode?: Rounding;
}

/**
 * Second derivatives through convolutional networks, for methods that differentiate a gradient
 * (GraSP's Hessian-gradient product, ProsPr's meta-gradient). tfjs (4.22) has no gradient for two
 * kernels that the gradients of a convolutional network are made of: Conv2DBackpropFilter and
 * MaxPoolGrad (it has one for Conv2DBackpropInput). With these, a second derivative through conv2d
 * and maxPool works as through dense layers.
 *
 * The kernel gradient of y = conv(x, W) is bilinear in x and dy, ⟨ddW, ∂W(x, dy)⟩ = ⟨conv(x, ddW), dy⟩,
 * so its own gradients are conv(x, ddW) for dy and the input gradient of conv(·, ddW) at dy for x
 * (conv2dTranspose). MaxPoolGrad routes each window's dy to the position the
 * kernel chooses, a linear map whose adjoint reads ddx at that position; the choice is piecewise
 * constant in the pooled input, so the input and output get zero gradient. The chosen positions
 * are taken from the MaxPoolGrad kernel itself (a gradient of ones), so the tie rule is the one the
 * first derivative used; tfjs's wasm MaxPoolWithArgmax is not used: for a window of values ≤ 0 (all
 * zeros after a ReLU) it returns index 0 of the whole tensor. Only non-overlapping windows (stride ≥
 * filter, no padding, as in LeNet-5 and Conv-4) are supported.
 */
export function withSecondOrderGradients<T>(tf: Tf, compute: () => T): T {
  // A gradient tfjs already has is never replaced, and exactly the ones added here are removed
  // afterwards, so no global tfjs state outlives the call.
  const added: string[] = [];
  try {
    for (const config of gradientConfigs(tf)) {
      if (tf.getGradient(config.kernelName) != null) continue;
      tf.registerGradient(config);
      added.push(config.kernelName);
    }
    return compute();
  } finally {
    for (const kernelName of added) tf.unregisterGradient(kernelName);
  }
}

function pair(value: [number, number] | number): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

function nhwcOnly(kernel: string, dataFormat: string): void {
  if (dataFormat !== 'NHWC') throw new Error(`no second derivative of ${kernel} in data format ${dataFormat} (NHWC only)`);
}

function gradientConfigs(tf: Tf): tfcore.GradConfig[] {
  return [
    {
      kernelName: 'Conv2DBackpropFilter',
      inputsToSave: ['x', 'dy'],
      gradFunc: (ddW, saved, attrs) => {
        const [x, dy] = saved as [Tensor4D, Tensor4D];
        const a = attrs as unknown as ConvAttrs;
        nhwcOnly('Conv2DBackpropFilter', a.dataFormat);
        return {
          x: () => tf.conv2dTranspose(dy, ddW as Tensor4D, x.shape, a.strides, a.pad, a.dimRoundingMode),
          dy: () => tf.conv2d(x, ddW as Tensor4D, a.strides, a.pad, 'NHWC', 1, a.dimRoundingMode),
        };
      },
    },
    {
      kernelName: 'MaxPoolGrad',
      inputsToSave: ['dy', 'input', 'output'],
      gradFunc: (ddx, saved, attrs) => {
        const [dy, input, output] = saved as [Tensor4D, Tensor4D, Tensor4D];
        const a = attrs as unknown as PoolAttrs;
        const [filterHeight, filterWidth] = pair(a.filterSize);
        const [strideHeight, strideWidth] = pair(a.strides);
        if (a.pad !== 'valid' || strideHeight < filterHeight || strideWidth < filterWidth)
          throw new Error(
            `no second derivative of MaxPoolGrad for overlapping or padded windows (filter ${a.filterSize}, strides ${a.strides}, pad ${a.pad})`,
          );
        return {
          dy: () => {
            // The kernel's own routing of a gradient of ones marks each window's chosen position
            // (its tie rule included); windows do not overlap, so summing ddx there is the adjoint.
            const chosen = tf.engine().runKernel('MaxPoolGrad', { dy: tf.onesLike(dy), input, output }, attrs) as Tensor4D;
            const area = filterHeight * filterWidth;
            return tf.mul(
              tf.avgPool(tf.mul(ddx as Tensor4D, chosen) as Tensor4D, [filterHeight, filterWidth], [strideHeight, strideWidth], 'valid'),
              area,
            );
          },
          input: () => tf.zerosLike(input),
          output: () => tf.zerosLike(output),
        };
      },
    },
  ];
}
