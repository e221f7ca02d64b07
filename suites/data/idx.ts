import { DataFileError } from './errors.ts';

/** An IDX array of unsigned bytes: its dimensions and its data (a view into the file's bytes). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const IDX_TYPE_NAMES: Record<number, string> = {
  8: 'unsigned byte',
  9: 'signed byte',
  11: 'int16',
  12: 'int32',
  13: 'float32',
  14: 'float64',
};

/**
 * Parses an IDX file of unsigned bytes: magic 0x00 0x00 0x08 <rank>, then `rank` big-endian uint32
 * dimensions, then the data. `expectedDims` (null entries match any size) guards against a file
 * with the right format but the wrong contents. Every error names `file`.
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedDims?: ReadonlyArray<number | null>): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)
    throw new DataFileError(`${file}: gzip-compressed; an uncompressed IDX file is expected`);
  if (bytes.length < 4) throw new DataFileError(`${file}: truncated IDX file (${bytes.length} bytes, the header alone needs at least 4)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0).toString(16).padStart(8, '0');
  if (bytes[0] !== 0 || bytes[1] !== 0 || !(bytes[2] in IDX_TYPE_NAMES))
    throw new DataFileError(`${file}: not an IDX file (magic 0x${magic})`);
  if (bytes[2] !== 0x08)
    throw new DataFileError(
      `${file}: IDX element type ${IDX_TYPE_NAMES[bytes[2]]} (magic 0x${magic}); only unsigned bytes (0x08) are supported`,
    );
  const rank = bytes[3];
  if (rank === 0) throw new DataFileError(`${file}: IDX header has rank 0 (magic 0x${magic})`);
  const offset = 4 + rank * 4;
  if (bytes.length < offset)
    throw new DataFileError(`${file}: truncated IDX header (rank ${rank} needs ${offset} bytes, file has ${bytes.length})`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + i * 4));
  if (expectedDims && (expectedDims.length !== rank || expectedDims.some((d, i) => d !== null && d !== dims[i]))) {
    throw new DataFileError(
      `${file}: dimensions [${dims.join(', ')}] do not match the expected [${expectedDims.map((d) => d ?? 'any').join(', ')}]`,
    );
  }
  const size = dims.reduce((a, b) => a * b, 1);
  const available = bytes.length - offset;
  if (available < size)
    throw new DataFileError(`${file}: truncated: dimensions [${dims.join(', ')}] need ${size} data bytes, file has ${available}`);
  if (available > size)
    throw new DataFileError(
      `${file}: ${available - size} extra byte${available - size === 1 ? '' : 's'} after the ${size} that dimensions [${dims.join(', ')}] describe`,
    );
  return { dims, data: bytes.subarray(offset) };
}
