/**
 * How much faster two processes finish than one on this machine, for the same kind of work the
 * harness does (wasm matrix products of LeNet-300-100's sizes): the ceiling for the harness's
 * 2-worker speed-up, since cores of a virtual machine can share caches, memory bandwidth or a
 * physical core.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROUNDS = 400;

async function work(): Promise<void> {
  const tf = await import('@tensorflow/tfjs-core');
  const { selectBackend } = await import('../harness/engine/backend/select.ts');
  await selectBackend('wasm');
  const x = tf.randomNormal([60, 784]);
  const w = tf.randomNormal([784, 300]);
  const start = performance.now();
  for (let i = 0; i < ROUNDS; i++) tf.tidy(() => tf.matMul(x, w).dataSync());
  process.send!({ seconds: (performance.now() - start) / 1000 });
}

function runChild(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', (m: { seconds: number }) => resolve(m.seconds));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`ceiling child exited with ${code}`))));
  });
}

/** Throughput of 2 concurrent processes over 1, each doing the same fixed work (best of 3). */
export async function parallelCeiling(): Promise<{ oneSeconds: number; twoSeconds: number; ratio: number }> {
  let best = { oneSeconds: Infinity, twoSeconds: Infinity, ratio: 0 };
  for (let attempt = 0; attempt < 3; attempt++) {
    const one = await runChild();
    const two = Math.max(...(await Promise.all([runChild(), runChild()])));
    const ratio = (2 * one) / two;
    if (ratio > best.ratio) best = { oneSeconds: one, twoSeconds: two, ratio };
  }
  return best;
}

if (process.argv.includes('--child')) await work();
