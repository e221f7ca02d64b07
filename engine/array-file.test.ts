import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArrayFileError, ArrayFileReader, readArrayFile, writeArrayFile } from './array-file.ts';

const work = mkdtempSync(join(tmpdir(), 'pb-reader-'));
const arrays = {
  'b.x': Float32Array.from([1.5, -2, Math.PI, 1e-30]),
  'a.y': Int32Array.from([3, -1, 7]),
  'c.m': Uint8Array.from([0, 1, 255]),
};

describe('array files', () => {
  it('reads each array as readArrayFile does, one at a time', () => {
    const file = join(work, 'ok.bin');
    writeArrayFile(file, arrays, { inputShape: [4], outputSize: 3 });
    const reader = new ArrayFileReader(file);
    const whole = readArrayFile(file);
    expect(reader.meta).toEqual(whole.meta);
    expect(reader.names).toEqual(Object.keys(whole.arrays));
    expect(reader.entry('a.y')).toMatchObject({ type: 'int32', length: 3 });
    expect(reader.has('nope')).toBe(false);
    expect(reader.read('c.m')).toEqual(whole.arrays['c.m']);
    expect(reader.readAll()).toEqual(whole.arrays);
    expect(reader.read('b.x')).toBeInstanceOf(Float32Array);
  });

  it('refuses a file whose size does not match its header', () => {
    const file = join(work, 'long.bin');
    writeArrayFile(file, arrays);
    appendFileSync(file, Buffer.from([0]));
    expect(() => new ArrayFileReader(file)).toThrow(ArrayFileError);
    expect(() => readArrayFile(file)).toThrow(/long\.bin: \d+ bytes, the header describes \d+/);
  });

  it('names the file when the header is corrupt or missing', () => {
    const file = join(work, 'bad.bin');
    writeFileSync(file, Buffer.concat([Buffer.from([5, 0, 0, 0]), Buffer.from('{nope')]));
    expect(() => readArrayFile(file)).toThrow(/bad\.bin: corrupt header/);
    writeFileSync(file, Buffer.from([1, 2]));
    expect(() => readArrayFile(file)).toThrow(/bad\.bin: truncated \(no header\)/);
  });
});
