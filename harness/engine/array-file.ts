import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Named typed arrays in one binary file: 4-byte header length, JSON header, then the raw arrays. */
export type NamedArrays = Record<string, Float32Array | Int32Array | Uint8Array>;

interface Header {
  meta: unknown;
  entries: Array<{ name: string; type: 'float32' | 'int32' | 'uint8'; length: number }>;
}

export class ArrayFileError extends Error {}

const BYTES = { float32: 4, int32: 4, uint8: 1 } as const;

function typeOf(a: Float32Array | Int32Array | Uint8Array): 'float32' | 'int32' | 'uint8' {
  return a instanceof Int32Array ? 'int32' : a instanceof Uint8Array ? 'uint8' : 'float32';
}

/** Writes atomically (temp file + rename) so a reader never sees a half-written file. */
export function writeArrayFile(file: string, arrays: NamedArrays, meta: unknown = null): void {
  mkdirSync(dirname(file), { recursive: true });
  const names = Object.keys(arrays).sort();
  const header: Header = { meta, entries: names.map((name) => ({ name, type: typeOf(arrays[name]), length: arrays[name].length })) };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(4);
  size.writeUInt32LE(headerBytes.length);
  const parts = [size, headerBytes, ...names.map((n) => Buffer.from(arrays[n].buffer, arrays[n].byteOffset, arrays[n].byteLength))];
  const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(temp, Buffer.concat(parts));
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

export function readArrayFile(file: string): { arrays: NamedArrays; meta: unknown } {
  const buf = readFileSync(file);
  if (buf.length < 4) throw new ArrayFileError(`${file}: truncated (no header)`);
  const headerLength = buf.readUInt32LE(0);
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8')) as Header;
  } catch {
    throw new ArrayFileError(`${file}: corrupt header`);
  }
  const expected = 4 + headerLength + header.entries.reduce((s, e) => s + e.length * BYTES[e.type], 0);
  if (buf.length !== expected) throw new ArrayFileError(`${file}: ${buf.length} bytes, the header describes ${expected}`);
  const arrays: NamedArrays = {};
  let offset = 4 + headerLength;
  for (const e of header.entries) {
    const bytes = new Uint8Array(buf.subarray(offset, offset + e.length * BYTES[e.type]));
    arrays[e.name] = e.type === 'int32' ? new Int32Array(bytes.buffer) : e.type === 'uint8' ? bytes : new Float32Array(bytes.buffer);
    offset += e.length * BYTES[e.type];
  }
  return { arrays, meta: header.meta };
}
