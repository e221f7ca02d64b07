import { DataFileError } from './errors.ts';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an IDX file of unsigned bytes (magic 0x00000801 / 0x00000803 …, big-endian dimensions). */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new DataFileError(`${file}: truncated IDX file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0 || bytes[2] !== 0x08) throw new DataFileError(`${file}: not an unsigned-byte IDX file (magic ${view.getUint32(0).toString(16).padStart(8, '0')})`);
  const rank = bytes[3];
  if (rank < 1 || 4 + rank * 4 > bytes.length) throw new DataFileError(`${file}: bad IDX header (rank ${rank})`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + i * 4));
  const size = dims.reduce((a, b) => a * b, 1);
  const offset = 4 + rank * 4;
  if (bytes.length - offset !== size) throw new DataFileError(`${file}: dimensions [${dims}] need ${size} data bytes, file has ${bytes.length - offset}`);
  return { dims, data: bytes.subarray(offset) };
}
