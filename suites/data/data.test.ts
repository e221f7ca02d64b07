import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIdx } from './idx.ts';
import { loadMnist, mnistDir, MNIST_FILES } from './mnist.ts';
import { proportionalCounts, stratifiedSplit, toDataset } from './splits.ts';
import { cifar10Unavailable, loadCifar10, parseCifarBatch, CIFAR_TRAIN_FILES, CIFAR_TEST_FILE } from './cifar10.ts';
import { cachedRaw } from './cache.ts';
import { loadSplits } from './index.ts';
import { sha256 } from './checksum.ts';


function idx(dims: number[], data: number[]): Uint8Array {
  const header = new Uint8Array(4 + dims.length * 4);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + i * 4, d));
  return Uint8Array.from([...header, ...data]);
}

const temp = () => mkdtempSync(join(tmpdir(), 'pb-data-'));

describe('IDX parser', () => {
  it('reads dimensions and bytes', () => {
    const parsed = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]), 'x.idx');
    expect(parsed.dims).toEqual([2, 3]);
    expect([...parsed.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('rejects a wrong magic, a truncated file and a size mismatch, naming the file', () => {
    const bad = idx([2], [1, 2]);
    bad[2] = 0x0d;
    expect(() => parseIdx(bad, 'f.idx')).toThrow(/f\.idx: not an unsigned-byte IDX file/);
    expect(() => parseIdx(new Uint8Array(2), 'g.idx')).toThrow(/g\.idx: truncated/);
    expect(() => parseIdx(idx([2, 3], [1, 2, 3]), 'h.idx')).toThrow(/h\.idx: dimensions \[2,3\] need 6 data bytes, file has 3/);
  });
});

describe('MNIST', () => {
  it('loads the official 60k/10k split with balanced-looking labels', () => {
    const { train, test } = loadMnist();
    expect(train.n).toBe(60000);
    expect(test.n).toBe(10000);
    expect(train.shape).toEqual([28, 28, 1]);
    const counts = new Array(10).fill(0);
    train.labels.forEach((y) => counts[y]++);
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });

  it('names a corrupt or missing file and says how to restore it', () => {
    const dir = temp();
    for (const f of Object.values(MNIST_FILES)) copyFileSync(join(mnistDir(), f.name), join(dir, f.name));
    const labels = join(dir, MNIST_FILES.testLabels.name);
    const bytes = readFileSync(labels);
    bytes[100] ^= 1;
    writeFileSync(labels, bytes);
    expect(() => loadMnist(dir)).toThrow(new RegExp(`${labels} is corrupt .*run \`npm ci\``));
    const empty = temp();
    expect(() => loadMnist(empty)).toThrow(/train-images-idx3-ubyte is missing: run `npm ci`/);
  });
});

describe('splits', () => {
  const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));

  it('allocates counts in proportion with largest remainders', () => {
    expect(proportionalCounts([60, 30, 10], 10)).toEqual([6, 3, 1]);
    expect(proportionalCounts([5, 5, 5], 4)).toEqual([2, 1, 1]);
    expect(() => proportionalCounts([1, 1], 3)).toThrow(/cannot take 3 samples from 2/);
  });

  it('is stratified, disjoint, complete and seeded', () => {
    const a = stratifiedSplit(labels, 20, 7, 3);
    expect(a.selected.length).toBe(20);
    const byClass = [0, 0, 0];
    a.selected.forEach((i) => byClass[labels[i]]++);
    expect(byClass).toEqual([12, 6, 2]);
    expect(new Set([...a.selected, ...a.rest]).size).toBe(100);
    expect(stratifiedSplit(labels, 20, 7, 3)).toEqual(a);
    expect(stratifiedSplit(labels, 20, 8, 3).selected).not.toEqual(a.selected);
  });

  it('gives deterministic train/validation/test splits with the requested sizes', async () => {
    const a = await loadSplits('mnist', { validationSize: 300, seed: 1, trainSubset: 1500, testSubset: 500 });
    const b = await loadSplits('mnist', { validationSize: 300, seed: 1, trainSubset: 1500, testSubset: 500 });
    expect([a.train.n, a.validation.n, a.test.n]).toEqual([1500, 300, 500]);
    expect(a.train.x).toEqual(b.train.x);
    expect(a.train.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(a.train.inputShape).toEqual([784]);
  });

  it('splits Fashion-MNIST 60k/10k, 1,000 test images per class', async () => {
    const s = await loadSplits('fashion-mnist', { validationSize: 5000, seed: 1 });
    expect([s.train.n + s.validation.n, s.test.n]).toEqual([60000, 10000]);
    const counts = new Array(10).fill(0);
    s.test.y.forEach((y) => counts[y]++);
    expect(counts).toEqual(new Array(10).fill(1000));
  });

  it('scales pixels to [0, 1]', () => {
    const d = toDataset({ n: 2, shape: [1, 2, 1], pixels: Uint8Array.from([0, 255, 51, 102]), labels: Int32Array.from([1, 0]) }, Int32Array.from([1]), 2);
    expect([...d.x]).toEqual([0.2, 0.4].map((v) => Math.fround(v)));
    expect([...d.y]).toEqual([0]);
  });
});

function cifarBatch(records: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(records * 3073);
  for (let r = 0; r < records; r++) {
    bytes[r * 3073] = (r + seed) % 10;
    for (let p = 0; p < 3072; p++) bytes[r * 3073 + 1 + p] = (p * 7 + r + seed) % 256;
  }
  return bytes;
}

describe('CIFAR-10 reader', () => {
  it('converts CHW records to HWC images and labels', () => {
    const raw = parseCifarBatch(cifarBatch(3, 0), 'b.bin', 3);
    expect(raw.n).toBe(3);
    expect([...raw.labels]).toEqual([0, 1, 2]);
    // pixel p = 5 of record 1: R at byte 5, G at byte 1024 + 5, B at 2048 + 5
    expect([...raw.pixels.subarray(3072 + 15, 3072 + 18)]).toEqual([(5 * 7 + 1) % 256, ((1024 + 5) * 7 + 1) % 256, ((2048 + 5) * 7 + 1) % 256]);
  });

  it('reads the files from PRUNEBENCH_DATA_DIR and checks SHA256SUMS when given', () => {
    const root = temp();
    const dir = join(root, 'cifar-10-batches-bin');
    mkdirSync(dir);
    const sums: string[] = [];
    [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE].forEach((f, i) => {
      const bytes = cifarBatch(4, i);
      writeFileSync(join(dir, f), bytes);
      sums.push(`${sha256(bytes)}  ${f}`);
    });
    writeFileSync(join(dir, 'SHA256SUMS'), sums.join('\n'));
    expect(cifar10Unavailable({ PRUNEBENCH_DATA_DIR: root })).toBeNull();
    const loaded = loadCifar10(dir, 4);
    expect(loaded.train.n).toBe(20);
    expect(loaded.test.n).toBe(4);
    const broken = cifarBatch(4, 0);
    broken[10] ^= 1;
    writeFileSync(join(dir, 'data_batch_1.bin'), broken);
    expect(() => loadCifar10(dir, 4)).toThrow(/data_batch_1\.bin is corrupt \(SHA-256 .*SHA256SUMS says/);
  });

  it('says how to get the data when it is absent, and rejects malformed batches', () => {
    expect(cifar10Unavailable({})).toMatch(/needs PRUNEBENCH_DATA_DIR: download the CIFAR-10 binary version/);
    expect(cifar10Unavailable({ PRUNEBENCH_DATA_DIR: temp() })).toMatch(/CIFAR-10 files missing under .*data_batch_1\.bin/);
    expect(() => parseCifarBatch(new Uint8Array(3073 * 2 + 5), 'c.bin', 2)).toThrow(/c\.bin: 6151 bytes, a CIFAR-10 batch has 6146/);
    const badLabel = cifarBatch(2, 0);
    badLabel[3073] = 12;
    expect(() => parseCifarBatch(badLabel, 'd.bin', 2)).toThrow(/d\.bin: record 1 has label 12/);
  });
});

describe('decoded-data cache', () => {
  it('returns the cached copy on a second load and rebuilds a corrupt one', () => {
    const dir = temp();
    let builds = 0;
    const build = () => {
      builds++;
      return { n: 2, shape: [1, 1, 1] as [number, number, number], pixels: Uint8Array.from([3, 4]), labels: Int32Array.from([0, 1]) };
    };
    const first = cachedRaw('k', build, dir);
    const second = cachedRaw('k', build, dir);
    expect(builds).toBe(1);
    expect(second).toEqual(first);
    const file = join(dir, 'k.bin');
    writeFileSync(file, readFileSync(file).subarray(0, 20));
    expect(cachedRaw('k', build, dir)).toEqual(first);
    expect(builds).toBe(2);
  });

});
