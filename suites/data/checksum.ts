import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { DataFileError } from './errors.ts';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a file and checks its SHA-256; errors name the file and the remedy. */
export function readVerified(file: string, expectedSha256: string, remedy: string): Buffer {
  if (!existsSync(file)) throw new DataFileError(`${file} is missing: ${remedy}`);
  const bytes = readFileSync(file);
  const actual = sha256(bytes);
  if (actual !== expectedSha256) throw new DataFileError(`${file} is corrupt (SHA-256 ${actual}, expected ${expectedSha256}): ${remedy}`);
  return bytes;
}
