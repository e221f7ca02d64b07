import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { DataFileError } from './errors.ts';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Throws unless `file` exists as a regular file; `remedy` says how to restore it. */
export function requireFile(file: string, remedy: string): void {
  if (!existsSync(file) || !statSync(file).isFile()) throw new DataFileError(`${file} is missing: ${remedy}`);
}

/** Reads a file and checks its SHA-256; errors name the file and the remedy. */
export function readVerified(file: string, expectedSha256: string, remedy: string): Buffer {
  requireFile(file, remedy);
  const bytes = readFileSync(file);
  const actual = sha256(bytes);
  if (actual !== expectedSha256) throw new DataFileError(`${file} is corrupt (SHA-256 ${actual}, expected ${expectedSha256}): ${remedy}`);
  return bytes;
}
