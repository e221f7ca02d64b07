import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { md5, sha256 } from './checksum.ts';
import { DataFileError, DataUnavailableError } from './errors.ts';
import { classCounts, type RawImages } from './raw.ts';

export const CIFAR10_TRAIN_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
] as const;
export const CIFAR10_TEST_FILE = 'test_batch.bin';
export const CIFAR10_FILES = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE] as const;
export const CIFAR10_CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

const CHANNEL_BYTES = 32 * 32;
const IMAGE_BYTES = 3 * CHANNEL_BYTES;
const RECORD_BYTES = 1 + IMAGE_BYTES;

export const HOW_TO_GET_CIFAR10 =
  'download the CIFAR-10 binary version (cifar-10-binary.tar.gz, "binary version suitable for C programs") from https://www.cs.toronto.edu/~kriz/cifar.html, ' +
  'unpack it (tar xzf cifar-10-binary.tar.gz) and set PRUNEBENCH_DATA_DIR to the directory that holds cifar-10-batches-bin/ (or to cifar-10-batches-bin itself)';

/** What a set of CIFAR-10 files must look like to be accepted. */
export interface CifarExpectation {
  recordsPerFile: number;
  /** MD5 of every file, by file name. */
  md5: Readonly<Record<string, string>>;
  /** Images per class over all training files together, and in the test file. */
  trainPerClass: number;
  testPerClass: number;
}

/**
 * The official binary version. The Toronto page publishes only the archive's MD5
 * (c32a1d4ab5d03f1284b67883e8d87530; SHA-256 c4a38c50…bca1dd in TensorFlow Datasets' checksums),
 * not a hash per file and no SHA-256 at all. These per-file MD5s are the ones that two
 * independent projects check after unpacking that archive (prabhuomkar/pytorch-cpp's
 * fetch_cifar10.cmake and a Go loader, dldataset) and that agree with each other. MD5 is used
 * here to catch damaged or substituted files, not as a defence against deliberate collisions;
 * a SHA256SUMS file next to the data adds a SHA-256 pin (see docs/data.md).
 */
export const OFFICIAL_CIFAR10: CifarExpectation = {
  recordsPerFile: 10000,
  md5: {
    'data_batch_1.bin': '5dd7e06a14cb22eb9f671a540d1b7c25',
    'data_batch_2.bin': '5ea93a67294ea407fff1d09f752e9692',
    'data_batch_3.bin': '942cd6a4bcdd0dd3c604fbe906cb4421',
    'data_batch_4.bin': 'ae636b3ba5c66a11e91e8cb52e771fcb',
    'data_batch_5.bin': '53f37980c15c3d472c316c40844f3f0d',
    'test_batch.bin': '803d5f7f4d78ea53de84dbe85f74fb6d',
  },
  trainPerClass: 5000,
  testPerClass: 1000,
};

/** The directory holding the six CIFAR-10 .bin files; DataUnavailableError saying how to get them when there is none. */
export function cifarDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.PRUNEBENCH_DATA_DIR;
  if (!root) throw new DataUnavailableError(`CIFAR-10 is not available: PRUNEBENCH_DATA_DIR is not set. To use it, ${HOW_TO_GET_CIFAR10}.`);
  const candidates = [join(root, 'cifar-10-batches-bin'), root];
  const missingIn = candidates.map((dir) => CIFAR10_FILES.filter((f) => !existsSync(join(dir, f))));
  const complete = missingIn.findIndex((missing) => missing.length === 0);
  if (complete >= 0) return candidates[complete];
  const closest = missingIn[0].length <= missingIn[1].length ? 0 : 1;
  const missing = missingIn[closest].map((f) => join(candidates[closest], f));
  throw new DataUnavailableError(
    `CIFAR-10 is not available: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (PRUNEBENCH_DATA_DIR=${root}). To use it, ${HOW_TO_GET_CIFAR10}.`,
  );
}

/** Null when the CIFAR-10 files are present, else the message saying what is missing and how to get it. */
export function cifar10Unavailable(env: NodeJS.ProcessEnv = process.env): string | null {
  try {
    cifarDir(env);
    return null;
  } catch (e) {
    if (e instanceof DataUnavailableError) return e.message;
    throw e;
  }
}

/** Optional `SHA256SUMS` (sha256sum output) next to the data: file name → SHA-256. */
function sha256Manifest(dir: string): Map<string, string> {
  const file = join(dir, 'SHA256SUMS');
  const hashes = new Map<string, string>();
  if (!existsSync(file)) return hashes;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
      if (!match) throw new DataFileError(`${file}, line ${i + 1}: not a sha256sum line ("<64 hex digits>  <file name>")`);
      hashes.set(match[2].trim(), match[1].toLowerCase());
    });
  return hashes;
}

/** One batch file: `records` records of <label byte><1024 R><1024 G><1024 B>, each channel row-major; converted to HWC. */
export function parseCifarBatch(bytes: Uint8Array, file: string, records: number): RawImages {
  if (bytes.length !== records * RECORD_BYTES) {
    throw new DataFileError(
      `${file}: ${bytes.length} bytes; a CIFAR-10 batch has exactly ${records * RECORD_BYTES} (${records} records of ${RECORD_BYTES} bytes): the file is truncated or not from the binary version; ${HOW_TO_GET_CIFAR10}`,
    );
  }
  const pixels = new Uint8Array(records * IMAGE_BYTES);
  const labels = new Int32Array(records);
  for (let r = 0; r < records; r++) {
    const base = r * RECORD_BYTES;
    const label = bytes[base];
    if (label > 9)
      throw new DataFileError(
        `${file}: record ${r} (byte ${base}) has label ${label}; CIFAR-10 labels are 0–9, so the file is corrupt or not CIFAR-10`,
      );
    labels[r] = label;
    const out = r * IMAGE_BYTES;
    for (let p = 0; p < CHANNEL_BYTES; p++) {
      pixels[out + 3 * p] = bytes[base + 1 + p];
      pixels[out + 3 * p + 1] = bytes[base + 1 + CHANNEL_BYTES + p];
      pixels[out + 3 * p + 2] = bytes[base + 1 + 2 * CHANNEL_BYTES + p];
    }
  }
  return { n: records, shape: [32, 32, 3], pixels, labels };
}

function concatImages(parts: RawImages[]): RawImages {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const pixels = new Uint8Array(n * IMAGE_BYTES);
  const labels = new Int32Array(n);
  let offset = 0;
  for (const part of parts) {
    pixels.set(part.pixels, offset * IMAGE_BYTES);
    labels.set(part.labels, offset);
    offset += part.n;
  }
  return { n, shape: [32, 32, 3], pixels, labels };
}

function checkClassBalance(images: RawImages, perClass: number, what: string): void {
  const counts = classCounts(images.labels, 10);
  if (counts.some((c) => c !== perClass))
    throw new DataFileError(
      `${what}: images per class ${JSON.stringify(counts)}, CIFAR-10 has exactly ${perClass} of each: the data is not the official CIFAR-10; ${HOW_TO_GET_CIFAR10}`,
    );
}

/**
 * Reads and checks the six files in `dir`: size, MD5 (and SHA-256 when a SHA256SUMS file is
 * there), labels, and the class balance of the official split. Training images come from
 * data_batch_1…5 in that order, test images from test_batch, each in file order.
 */
export function readCifar10(dir: string, expectation: CifarExpectation = OFFICIAL_CIFAR10): { train: RawImages; test: RawImages } {
  const pinned = sha256Manifest(dir);
  const read = (name: string): RawImages => {
    const file = join(dir, name);
    if (!existsSync(file))
      throw new DataUnavailableError(`CIFAR-10 is not available: ${file} is missing. To use it, ${HOW_TO_GET_CIFAR10}.`);
    const size = statSync(file).size;
    const expectedSize = expectation.recordsPerFile * RECORD_BYTES;
    if (size !== expectedSize)
      throw new DataFileError(
        `${file}: ${size} bytes; a CIFAR-10 batch has exactly ${expectedSize}: the file is truncated or not from the binary version; ${HOW_TO_GET_CIFAR10}`,
      );
    const bytes = readFileSync(file);
    const actualMd5 = md5(bytes);
    if (actualMd5 !== expectation.md5[name])
      throw new DataFileError(
        `${file} is corrupt or not the official file (MD5 ${actualMd5}, expected ${expectation.md5[name]}); ${HOW_TO_GET_CIFAR10}`,
      );
    const pin = pinned.get(name);
    if (pin !== undefined) {
      const actualSha = sha256(bytes);
      if (actualSha !== pin)
        throw new DataFileError(`${file} does not match ${join(dir, 'SHA256SUMS')} (SHA-256 ${actualSha}, listed ${pin})`);
    }
    return parseCifarBatch(bytes, file, expectation.recordsPerFile);
  };
  const train = concatImages(CIFAR10_TRAIN_FILES.map(read));
  const test = read(CIFAR10_TEST_FILE);
  checkClassBalance(train, expectation.trainPerClass, `${join(dir, 'data_batch_1.bin')} … data_batch_5.bin`);
  checkClassBalance(test, expectation.testPerClass, join(dir, CIFAR10_TEST_FILE));
  return { train, test };
}

/** The official CIFAR-10 from PRUNEBENCH_DATA_DIR: 50,000 training and 10,000 test images. */
export function loadCifar10(env: NodeJS.ProcessEnv = process.env): { train: RawImages; test: RawImages } {
  return readCifar10(cifarDir(env));
}
