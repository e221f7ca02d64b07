import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.ts';
import { describeBackend, selectBackend } from './backend-selection.ts';

const savedEnvironment = process.env.PRUNEBENCH_BACKEND;
afterEach(() => {
  if (savedEnvironment === undefined) delete process.env.PRUNEBENCH_BACKEND;
  else process.env.PRUNEBENCH_BACKEND = savedEnvironment;
});

// The tests share one process (one tfjs engine), so their order matters: automatic selection first.
describe('selectBackend', () => {
  it('picks wasm automatically where tfjs-node is not installed, and says how to get a faster backend', async () => {
    delete process.env.PRUNEBENCH_BACKEND;
    const info = await selectBackend();
    expect(info).toEqual({
      name: 'wasm',
      tfjsVersion: tf.version_core,
      threads: 1,
      note: expect.stringContaining('install @tensorflow/tfjs-node'),
    });
    expect(info.note).toMatch(/^backend: wasm \(SIMD binary, 1 thread\)/);
    expect(tf.getBackend()).toBe('wasm');
    expect(describeBackend()).toBe(`wasm (SIMD binary), tfjs ${tf.version_core}, 1 thread`);
  });

  it('is idempotent', async () => {
    const first = await selectBackend('wasm');
    expect(await selectBackend('wasm')).toEqual(first);
    expect(await selectBackend()).toEqual(first);
    expect(tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]).toBe(6);
  });

  it('runs on the cpu backend when asked (--backend cpu), and automatic selection keeps that choice', async () => {
    const info = await selectBackend('cpu');
    expect(info.name).toBe('cpu');
    expect(info.note).toMatch(/--backend wasm/);
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0]).toBe(11);
    expect((await selectBackend()).name).toBe('cpu');
    expect(describeBackend()).toMatch(/^cpu \(plain JavaScript\)/);
  });

  it('takes PRUNEBENCH_BACKEND when no backend is passed, and an argument over it', async () => {
    process.env.PRUNEBENCH_BACKEND = 'wasm';
    expect((await selectBackend()).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    process.env.PRUNEBENCH_BACKEND = 'cpu';
    expect((await selectBackend()).name).toBe('cpu');
    expect((await selectBackend('wasm')).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects an unknown backend, naming the choices and what is available', async () => {
    await expect(selectBackend('tpu')).rejects.toThrow(
      "unknown backend 'tpu': choose one of tensorflow, wasm, cpu (available here: wasm, cpu)",
    );
    process.env.PRUNEBENCH_BACKEND = 'gpu';
    await expect(selectBackend()).rejects.toThrow(/unknown backend 'gpu'/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects tensorflow where tfjs-node is not installed, saying how to install it and what is available', async () => {
    const failure = selectBackend('tensorflow');
    await expect(failure).rejects.toThrow(
      /^backend 'tensorflow' is not available here \(@tensorflow\/tfjs-node-gpu: not installed; @tensorflow\/tfjs-node: not installed\); install @tensorflow\/tfjs-node or @tensorflow\/tfjs-node-gpu .*; available: wasm, cpu$/,
    );
    expect(tf.getBackend()).toBe('wasm');
  });
});
