import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { measureThroughput } from './inference.ts';
import { initialWeights } from '../network.ts';
import { Rng } from '../rng.ts';
import type { ArchitectureSpec } from '../architecture.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('measureThroughput', () => {
  it('times the stated passes at the stated batch and leaves no tensor behind', () => {
    const spec: ArchitectureSpec = { id: 'mlp', inputShape: [4], layers: [{ kind: 'dense', name: 'fc1', units: 3, activation: 'linear' }] };
    const before = tf.memory().numTensors;
    const t = measureThroughput(spec, initialWeights(spec, new Rng(0)), { batchSize: 8, passes: 3, warmup: 1 });
    expect(t.batchSize).toBe(8);
    expect(t.passes).toBe(3);
    expect(t.samplesPerSecond).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
