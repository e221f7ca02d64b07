/** Decoded images before scaling: uint8 pixels (HWC, row-major per image) and int32 class labels. */
export interface RawImages {
  n: number;
  /** Height, width, channels of one image. */
  shape: [number, number, number];
  pixels: Uint8Array;
  labels: Int32Array;
}

export function imageSize(raw: RawImages): number {
  return raw.shape[0] * raw.shape[1] * raw.shape[2];
}

/** Per-class counts of `labels`; throws on a label outside 0..classes-1. */
export function classCounts(labels: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < classes)) throw new RangeError(`label ${y} at index ${i} is outside 0..${classes - 1}`);
    counts[y]++;
  }
  return counts;
}

/** The images at `indices`, in that order. */
export function pickImages(raw: RawImages, indices: ArrayLike<number>): RawImages {
  const size = imageSize(raw);
  const pixels = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    pixels.set(raw.pixels.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = raw.labels[i];
  }
  return { n: indices.length, shape: raw.shape, pixels, labels };
}
