/** Convolution shapes for kernel tests: stride 1, NHWC. */
import type { Rng } from '../../rng.ts';

export type Shape4 = [number, number, number, number];
export type Pad = 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];

export interface ConvShape {
  xShape: Shape4;
  filterShape: Shape4;
  pad: Pad;
}

/**
 * A random convolution: kernels up to 5×5 (sometimes one side shorter or longer by 1), odd sizes,
 * channel counts and batches off multiples of 4, 'same', 'valid' or explicit asymmetric padding.
 * Some draws give no output (the caller filters those).
 */
export function randomConvShape(rng: Rng, maxOutChannels: number): ConvShape {
  const k = 1 + rng.int(5);
  const [n, h, w, ci, co] = [1 + rng.int(7), k + rng.int(9), k + rng.int(9), 1 + rng.int(23), 1 + rng.int(maxOutChannels)];
  const padKind = rng.int(3);
  const pad: Pad =
    padKind === 0
      ? 'same'
      : padKind === 1
        ? 'valid'
        : [
            [0, 0],
            [rng.int(k), rng.int(k)],
            [rng.int(k), rng.int(k)],
            [0, 0],
          ];
  return { xShape: [n, h, w, ci], filterShape: [k, k + (rng.int(2) === 0 ? 0 : k > 1 ? -1 : 1), ci, co], pad };
}
