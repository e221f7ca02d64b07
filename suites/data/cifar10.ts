import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './checksum.ts';
import { DataFileError, DataUnavailableError } from './errors.ts';
import type { RawImages } from './raw.ts';

export const CIFAR_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
export const CIFAR_TEST_FILE = 'test_batch.bin';
const RECORD_BYTES = 1 + 3072;
const RECORDS_PER_FILE = 10000;
const HOW_TO_GET = 'download the CIFAR-10 binary version (cifar-10-binary.tar.gz) from https://www.cs.toronto.edu/~kriz/cifar.html, unpack it, and set PRUNEBENCH_DATA_DIR to the directory that holds cifar-10-batches-bin/';

/** The directory holding the CIFAR-10 .bin files, or the reason it cannot be used. */
export function cifarDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.PRUNEBENCH_DATA_DIR;
  if (!root) throw new DataUnavailableError(`CIFAR-10 needs PRUNEBENCH_DATA_DIR: ${HOW_TO_GET}`);
  for (const dir of [join(root, 'cifar-10-batches-bin'), root]) {
    if ([...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE].every((f) => existsSync(join(dir, f)))) return dir;
  }
  const missing = [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE].filter((f) => !existsSync(join(root, 'cifar-10-batches-bin', f)) && !existsSync(join(root, f)));
  throw new DataUnavailableError(`CIFAR-10 files missing under ${root} (${missing.join(', ')}): ${HOW_TO_GET}`);
}

/** Null when CIFAR-10 is usable here, else the message saying how to get it. */
export function cifar10Unavailable(env: NodeJS.ProcessEnv = process.env): string | null {
  try {
    cifarDir(env);
    return null;
  } catch (e) {
    if (e instanceof DataUnavailableError) return e.message;
    throw e;
  }
}

/**
 * Expected SHA-256 per file: from a `SHA256SUMS` file (sha256sum format) next to the data when
 * present, else none; the record structure is checked in every case.
 */
function expectedHashes(dir: string): Map<string, string> {
  const file = join(dir, 'SHA256SUMS');
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(line.trim());
    if (m) out.set(m[2].trim(), m[1]);
  }
  return out;
}

/** Parses one binary batch: 10,000 records of <label byte><1024 R><1024 G><1024 B>, converted to HWC. */
export function parseCifarBatch(bytes: Uint8Array, file: string, records = RECORDS_PER_FILE): RawImages {
  if (bytes.length !== records * RECORD_BYTES) throw new DataFileError(`${file}: ${bytes.length} bytes, a CIFAR-10 batch has ${records * RECORD_BYTES} (${records} records of ${RECORD_BYTES}): re-download it (${HOW_TO_GET})`);
  const pixels = new Uint8Array(records * 3072);
  const labels = new Int32Array(records);
  for (let r = 0; r < records; r++) {
    const base = r * RECORD_BYTES;
    const label = bytes[base];
    if (label > 9) throw new DataFileError(`${file}: record ${r} has label ${label}, CIFAR-10 labels are 0–9: the file is corrupt`);
    labels[r] = label;
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) pixels[r * 3072 + p * 3 + c] = bytes[base + 1 + c * 1024 + p];
    }
  }
  return { n: records, shape: [32, 32, 3], pixels, labels };
}

function concat(parts: RawImages[]): RawImages {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const pixels = new Uint8Array(n * 3072);
  const labels = new Int32Array(n);
  let offset = 0;
  for (const p of parts) {
    pixels.set(p.pixels, offset * 3072);
    labels.set(p.labels, offset);
    offset += p.n;
  }
  return { n, shape: [32, 32, 3], pixels, labels };
}

export function loadCifar10(dir = cifarDir(), recordsPerFile = RECORDS_PER_FILE): { train: RawImages; test: RawImages; sha256: Record<string, string> } {
  const expected = expectedHashes(dir);
  const hashes: Record<string, string> = {};
  const read = (name: string) => {
    const file = join(dir, name);
    if (!existsSync(file) || !statSync(file).isFile()) throw new DataFileError(`${file} is missing: ${HOW_TO_GET}`);
    const bytes = readFileSync(file);
    hashes[name] = sha256(bytes);
    const want = expected.get(name);
    if (want && want !== hashes[name]) throw new DataFileError(`${file} is corrupt (SHA-256 ${hashes[name]}, SHA256SUMS says ${want}): re-download it`);
    return parseCifarBatch(bytes, file, recordsPerFile);
  };
  return { train: concat(CIFAR_TRAIN_FILES.map(read)), test: read(CIFAR_TEST_FILE), sha256: hashes };
}
