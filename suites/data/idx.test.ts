import { describe, expect, it } from 'vitest';
import { DataFileError } from './errors.ts';
import { parseIdx } from './idx.ts';

/** An IDX file: magic 0x00 0x00 <type> <rank>, big-endian dimensions, data. */
function idx(dims: number[], data: number[], type = 0x08): Uint8Array {
  const header = new Uint8Array(4 + dims.length * 4);
  const view = new DataView(header.buffer);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + i * 4, d));
  return Uint8Array.from([...header, ...data]);
}

describe('parseIdx', () => {
  it('reads big-endian dimensions and the bytes after the header', () => {
    const parsed = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 250]), 'a.idx');
    expect(parsed.dims).toEqual([2, 3]);
    expect([...parsed.data]).toEqual([1, 2, 3, 4, 5, 250]);
    expect(parseIdx(idx([70000], new Array(70000).fill(7)), 'big.idx').dims).toEqual([70000]);
  });

  it('parses a view that does not start at offset 0 of its buffer', () => {
    const file = idx([2], [9, 8]);
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    expect([...parseIdx(padded.subarray(3), 'v.idx').data]).toEqual([9, 8]);
  });

  it('accepts expected dimensions, with null for any size', () => {
    expect(parseIdx(idx([2, 1, 2], [1, 2, 3, 4]), 'e.idx', [null, 1, 2]).dims).toEqual([2, 1, 2]);
    expect(() => parseIdx(idx([2, 1, 2], [1, 2, 3, 4]), 'e.idx', [2, 2, 1])).toThrow(
      'e.idx: dimensions [2, 1, 2] do not match the expected [2, 2, 1]',
    );
    expect(() => parseIdx(idx([4], [1, 2, 3, 4]), 'r.idx', [null, null])).toThrow(
      'r.idx: dimensions [4] do not match the expected [any, any]',
    );
  });

  it('rejects a wrong magic number, naming the file', () => {
    const notIdx = idx([2], [1, 2]);
    notIdx[0] = 0x50;
    expect(() => parseIdx(notIdx, '/data/x.idx')).toThrow(/^\/data\/x\.idx: not an IDX file \(magic 0x50000801\)$/);
    expect(() => parseIdx(idx([1], [0, 0, 0, 0], 0x0d), 'f.idx')).toThrow(
      'f.idx: IDX element type float32 (magic 0x00000d01); only unsigned bytes (0x08) are supported',
    );
    expect(() => parseIdx(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]), 'g.idx.gz')).toThrow('g.idx.gz: gzip-compressed');
    expect(() => parseIdx(idx([], []), 'z.idx')).toThrow('z.idx: IDX header has rank 0');
  });

  it('rejects truncated files, naming the file', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8]), 't.idx')).toThrow('t.idx: truncated IDX file (3 bytes');
    expect(() => parseIdx(idx([5, 5], []).subarray(0, 9), 'h.idx')).toThrow(
      'h.idx: truncated IDX header (rank 2 needs 12 bytes, file has 9)',
    );
    expect(() => parseIdx(idx([2, 3], [1, 2, 3]), 'd.idx')).toThrow('d.idx: truncated: dimensions [2, 3] need 6 data bytes, file has 3');
  });

  it('rejects data beyond what the dimensions describe', () => {
    expect(() => parseIdx(idx([2], [1, 2, 3]), 'x.idx')).toThrow('x.idx: 1 extra byte after the 2 that dimensions [2] describe');
  });

  it('throws DataFileError', () => {
    expect(() => parseIdx(new Uint8Array(0), 'e.idx')).toThrow(DataFileError);
  });
});
