/** A decoded image data set before scaling: uint8 pixels, int32 labels. */
export interface RawImages {
  n: number;
  /** H, W, C of one image. */
  shape: [number, number, number];
  pixels: Uint8Array;
  labels: Int32Array;
}
