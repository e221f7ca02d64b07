import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { measurePairedThroughput } from './inference.ts';
import { initialWeights } from '../network.ts';
import { Rng } from '../rng.ts';
import type { ArchitectureSpec } from '../architecture.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('measurePairedThroughput', () => {
  it('times both networks in alternation at the stated batch, the speed-up the ratio of their fastest passes, and leaves no tensor behind', () => {
    const wide: ArchitectureSpec = {
      id: 'wide',
      inputShape: [16],
      layers: [
        { kind: 'dense', name: 'fc1', units: 64, activation: 'relu' },
        { kind: 'dense', name: 'fc2', units: 2, activation: 'linear' },
      ],
    };
    const narrow: ArchitectureSpec = {
      id: 'narrow',
      inputShape: [16],
      layers: [
        { kind: 'dense', name: 'fc1', units: 4, activation: 'relu' },
        { kind: 'dense', name: 'fc2', units: 2, activation: 'linear' },
      ],
    };
    const before = tf.memory().numTensors;
    const t = measurePairedThroughput(
      { spec: wide, weights: initialWeights(wide, new Rng(0)) },
      { spec: narrow, weights: initialWeights(narrow, new Rng(1)) },
      { batchSize: 8, passes: 5, warmup: 1 },
    );
    expect(t.batchSize).toBe(8);
    expect(t.passes).toBe(5);
    expect(t.first).toBeGreaterThan(0);
    expect(t.second).toBeGreaterThan(0);
    expect(t.speedup).toBeCloseTo(t.second / t.first, 12);
    expect(t.clock).toBe('process-cpu');
    expect(tf.memory().numTensors).toBe(before);
  });
});
