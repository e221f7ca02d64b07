import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

type ArrayType = Header['entries'][number]['type'];

function readExactly(fd: number, file: string, into: Uint8Array, position: number): void {
  for (let done = 0; done < into.length; ) {
    const got = readSync(fd, into, done, into.length - done, position + done);
    if (got === 0) throw new ArrayFileError(`${file}: truncated`);
    done += got;
  }
}

/**
 * Reads an array file one array at a time, each straight into a fresh typed array (no whole-file
 * buffer, no second copy): the sandbox reads only the arrays a method touches. The header and the
 * file's size are checked on opening.
 */
export class ArrayFileReader {
  readonly meta: unknown;
  readonly names: string[];
  private readonly fd: number;
  private readonly entries = new Map<string, { type: ArrayType; length: number; offset: number }>();

  constructor(readonly file: string) {
    this.fd = openSync(file, 'r');
    try {
      const size = fstatSync(this.fd).size;
      if (size < 4) throw new ArrayFileError(`${file}: truncated (no header)`);
      const lengthBytes = Buffer.alloc(4);
      readExactly(this.fd, file, lengthBytes, 0);
      const headerLength = lengthBytes.readUInt32LE(0);
      if (4 + headerLength > size) throw new ArrayFileError(`${file}: corrupt header`);
      const headerBytes = Buffer.alloc(headerLength);
      readExactly(this.fd, file, headerBytes, 4);
      let header: Header;
      try {
        header = JSON.parse(headerBytes.toString('utf8')) as Header;
      } catch {
        throw new ArrayFileError(`${file}: corrupt header`);
      }
      let offset = 4 + headerLength;
      for (const e of header.entries) {
        this.entries.set(e.name, { type: e.type, length: e.length, offset });
        offset += e.length * BYTES[e.type];
      }
      if (size !== offset) throw new ArrayFileError(`${file}: ${size} bytes, the header describes ${offset}`);
      this.meta = header.meta;
      this.names = header.entries.map((e) => e.name);
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Type and length of an array, without reading it. */
  entry(name: string): { type: ArrayType; length: number } {
    const e = this.entries.get(name);
    if (!e) throw new ArrayFileError(`${this.file}: no array '${name}'`);
    return e;
  }

  read(name: string): Float32Array | Int32Array | Uint8Array {
    const e = this.entries.get(name);
    if (!e) throw new ArrayFileError(`${this.file}: no array '${name}'`);
    const array =
      e.type === 'int32' ? new Int32Array(e.length) : e.type === 'uint8' ? new Uint8Array(e.length) : new Float32Array(e.length);
    readExactly(this.fd, this.file, new Uint8Array(array.buffer), e.offset);
    return array;
  }

  readAll(): NamedArrays {
    return Object.fromEntries(this.names.map((n) => [n, this.read(n)]));
  }

  close(): void {
    closeSync(this.fd);
  }
}

export function readArrayFile(file: string): { arrays: NamedArrays; meta: unknown } {
  const reader = new ArrayFileReader(file);
  try {
    return { arrays: reader.readAll(), meta: reader.meta };
  } finally {
    reader.close();
  }
}

/** SHA-256 over arrays' names, types and bytes in name order: a content hash for cache files. */
export function arraysDigest(arrays: NamedArrays): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(arrays).sort()) {
    const a = arrays[name];
    hash.update(`${name}\0${typeOf(a)}\0`).update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return hash.digest('hex');
}
