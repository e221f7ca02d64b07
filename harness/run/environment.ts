import { cpus, arch, platform } from 'node:os';
import { readFileSync } from 'node:fs';
import { simpleGit } from 'simple-git';
import * as tf from '@tensorflow/tfjs-core';
import type { RecordContext } from './execute.ts';
import type { BackendInfo } from '../../engine/backend/select.ts';
import { isolationLevel } from '../sandbox/isolation.ts';

const projectRoot = new URL('../../', import.meta.url);

export function prunebenchVersion(): string {
  return (JSON.parse(readFileSync(new URL('package.json', projectRoot), 'utf8')) as { version: string }).version;
}

/** Git commit and dirty flag of the project checkout; nulls outside a git checkout. */
export async function gitProvenance(
  dir = new URL('.', projectRoot).pathname,
): Promise<{ gitCommit: string | null; gitDirty: boolean | null }> {
  try {
    const git = simpleGit(dir);
    if (!(await git.checkIsRepo())) return { gitCommit: null, gitDirty: null };
    const commit = (await git.revparse(['HEAD'])).trim();
    const status = await git.status();
    return { gitCommit: commit, gitDirty: !status.isClean() };
  } catch {
    return { gitCommit: null, gitDirty: null };
  }
}

export function environmentOf(backend: BackendInfo): RecordContext['environment'] {
  const isolation = isolationLevel();
  return {
    node: process.version,
    tfjs: tf.version_core,
    backend: backend.name,
    threads: backend.threads,
    platform: platform(),
    arch: arch(),
    cpu: cpus()[0]?.model ?? 'unknown',
    gpu: null,
    isolation: { level: isolation.level, mechanisms: isolation.mechanisms },
  };
}
