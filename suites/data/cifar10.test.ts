import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { md5, sha256 } from './checksum.ts';
import {
  CIFAR10_FILES,
  OFFICIAL_CIFAR10,
  cifar10Unavailable,
  cifarDir,
  parseCifarBatch,
  readCifar10,
  type CifarExpectation,
} from './cifar10.ts';
import { DataFileError, DataUnavailableError } from './errors.ts';
import { loadSplits } from './index.ts';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A red value, a green value and a blue value that identify (file, record, pixel, channel). */
const channelValue = (file: number, record: number, pixel: number, channel: number) =>
  (file * 31 + record * 7 + pixel * 3 + channel * 101) % 256;

/** A batch in the official format: `records` records of <label><1024 R><1024 G><1024 B>; record r has label r % 10. */
function batch(file: number, records: number): Uint8Array {
  const bytes = new Uint8Array(records * 3073);
  for (let r = 0; r < records; r++) {
    bytes[r * 3073] = r % 10;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) bytes[r * 3073 + 1 + c * 1024 + p] = channelValue(file, r, p, c);
  }
  return bytes;
}

/** Six ten-record files in <root>/cifar-10-batches-bin, and the expectation (with their MD5s) that accepts them. */
function tinyCifar(): { root: string; dir: string; expectation: CifarExpectation } {
  const root = mkdtempSync(join(tmpdir(), 'pb-cifar-'));
  temps.push(root);
  const dir = join(root, 'cifar-10-batches-bin');
  mkdirSync(dir);
  const hashes: Record<string, string> = {};
  CIFAR10_FILES.forEach((name, f) => {
    const bytes = batch(f, 10);
    writeFileSync(join(dir, name), bytes);
    hashes[name] = md5(bytes);
  });
  return { root, dir, expectation: { recordsPerFile: 10, md5: hashes, trainPerClass: 5, testPerClass: 1 } };
}

describe('CIFAR-10 binary reader', () => {
  it('converts CHW records to HWC images, training files in order then the test file', () => {
    const { dir, expectation } = tinyCifar();
    const { train, test } = readCifar10(dir, expectation);
    expect([train.n, test.n]).toEqual([50, 10]);
    expect(train.shape).toEqual([32, 32, 3]);
    expect([...train.labels.subarray(0, 12)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // Training image 23 is record 3 of data_batch_3.bin; pixel (row 5, column 7) is p = 5 * 32 + 7.
    const p = 5 * 32 + 7;
    const at = 23 * 3072 + p * 3;
    expect([...train.pixels.subarray(at, at + 3)]).toEqual([0, 1, 2].map((c) => channelValue(2, 3, p, c)));
    expect([...test.pixels.subarray(9 * 3072, 9 * 3072 + 3)]).toEqual([0, 1, 2].map((c) => channelValue(5, 9, 0, c)));
  });

  it('finds the files in PRUNEBENCH_DATA_DIR or its cifar-10-batches-bin subdirectory', () => {
    const { root, dir } = tinyCifar();
    expect(cifarDir({ PRUNEBENCH_DATA_DIR: root })).toBe(dir);
    expect(cifarDir({ PRUNEBENCH_DATA_DIR: dir })).toBe(dir);
    expect(cifar10Unavailable({ PRUNEBENCH_DATA_DIR: root })).toBeNull();
  });

  it('keeps the official check: the official expectation rejects these small files by size', () => {
    const { dir } = tinyCifar();
    expect(() => readCifar10(dir, OFFICIAL_CIFAR10)).toThrow(
      `${join(dir, 'data_batch_1.bin')}: 30730 bytes; a CIFAR-10 batch has exactly 30730000`,
    );
  });

  it('names a file whose MD5 differs', () => {
    const { dir, expectation } = tinyCifar();
    const broken = batch(3, 10);
    broken[500] ^= 1;
    writeFileSync(join(dir, 'data_batch_4.bin'), broken);
    expect(() => readCifar10(dir, expectation)).toThrow(DataFileError);
    expect(() => readCifar10(dir, expectation)).toThrow(
      `${join(dir, 'data_batch_4.bin')} is corrupt or not the official file (MD5 ${md5(broken)}, expected ${expectation.md5['data_batch_4.bin']})`,
    );
  });

  it('checks a SHA256SUMS manifest next to the data when there is one', () => {
    const { dir, expectation } = tinyCifar();
    writeFileSync(join(dir, 'SHA256SUMS'), `${sha256(batch(5, 10))}  test_batch.bin\n${'0'.repeat(64)} *data_batch_2.bin\n`);
    expect(() => readCifar10(dir, expectation)).toThrow(
      `${join(dir, 'data_batch_2.bin')} does not match ${join(dir, 'SHA256SUMS')} (SHA-256 ${sha256(batch(1, 10))}, listed ${'0'.repeat(64)})`,
    );
    writeFileSync(join(dir, 'SHA256SUMS'), `${sha256(batch(5, 10))}  test_batch.bin\n${sha256(batch(1, 10))}  data_batch_2.bin\n`);
    expect(readCifar10(dir, expectation).test.n).toBe(10);
    writeFileSync(join(dir, 'SHA256SUMS'), 'not a hash line\n');
    expect(() => readCifar10(dir, expectation)).toThrow(`${join(dir, 'SHA256SUMS')}, line 1: not a sha256sum line`);
  });

  it('rejects a split whose class balance is not the official one', () => {
    const { dir, expectation } = tinyCifar();
    const skewed = batch(5, 10);
    skewed[3073 * 2] = 0;
    writeFileSync(join(dir, 'test_batch.bin'), skewed);
    expect(() => readCifar10(dir, { ...expectation, md5: { ...expectation.md5, 'test_batch.bin': md5(skewed) } })).toThrow(
      `${join(dir, 'test_batch.bin')}: images per class [2,1,0,1,1,1,1,1,1,1], CIFAR-10 has exactly 1 of each`,
    );
  });

  it('rejects records with a label above 9 and files that are not whole records', () => {
    const bad = batch(0, 3);
    bad[3073] = 12;
    expect(() => parseCifarBatch(bad, 'b.bin', 3)).toThrow('b.bin: record 1 (byte 3073) has label 12');
    expect(() => parseCifarBatch(new Uint8Array(3073 * 2 + 5), 'c.bin', 2)).toThrow(
      'c.bin: 6151 bytes; a CIFAR-10 batch has exactly 6146 (2 records of 3073 bytes)',
    );
  });
});

describe('CIFAR-10 availability', () => {
  const saved = process.env.PRUNEBENCH_DATA_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.PRUNEBENCH_DATA_DIR;
    else process.env.PRUNEBENCH_DATA_DIR = saved;
  });

  it('says how to get the data when PRUNEBENCH_DATA_DIR is not set', () => {
    expect(cifar10Unavailable({})).toMatch(
      /^CIFAR-10 is not available: PRUNEBENCH_DATA_DIR is not set\. To use it, download the CIFAR-10 binary version \(cifar-10-binary\.tar\.gz.*https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar\.html/,
    );
  });

  it('names the missing file', () => {
    const { root, dir } = tinyCifar();
    unlinkSync(join(dir, 'data_batch_3.bin'));
    expect(cifar10Unavailable({ PRUNEBENCH_DATA_DIR: root })).toMatch(
      new RegExp(
        `^CIFAR-10 is not available: ${join(dir, 'data_batch_3.bin').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is missing \\(PRUNEBENCH_DATA_DIR=`,
      ),
    );
  });

  it('makes loadSplits throw DataUnavailableError with that message', async () => {
    delete process.env.PRUNEBENCH_DATA_DIR;
    await expect(loadSplits('cifar10', { validationSize: 5000, seed: 1, cacheDir: false })).rejects.toThrow(DataUnavailableError);
    const { root } = tinyCifar();
    process.env.PRUNEBENCH_DATA_DIR = root;
    unlinkSync(join(root, 'cifar-10-batches-bin', 'test_batch.bin'));
    await expect(loadSplits('cifar10', { validationSize: 5000, seed: 1, cacheDir: false })).rejects.toThrow(/test_batch\.bin is missing/);
  });
});
