import { cpus, arch, platform } from 'node:os';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { RecordContext } from './execute.ts';
import type { BackendInfo } from '../../engine/backend/backend-selection.ts';
import { isolationLevel } from '../sandbox/isolation.ts';
import { Repository } from '../git/repository.ts';

const projectRoot = new URL('../../', import.meta.url);

export function prunebenchVersion(): string {
  return (JSON.parse(readFileSync(new URL('package.json', projectRoot), 'utf8')) as { version: string }).version;
}

/** Git commit and dirty flag of the project checkout; nulls outside a git checkout. */
export async function gitProvenance(
  dir = new URL('.', projectRoot).pathname,
): Promise<{ gitCommit: string | null; gitDirty: boolean | null }> {
  const repo = await Repository.open(dir);
  const commit = await repo?.head();
  if (!repo || !commit) return { gitCommit: null, gitDirty: null };
  const dirty = await repo.isDirty();
  return dirty === null ? { gitCommit: null, gitDirty: null } : { gitCommit: commit, gitDirty: dirty };
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
