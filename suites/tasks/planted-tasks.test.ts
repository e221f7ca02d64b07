import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../engine/backend/backend-selection.ts';
import { rescaleOutputs } from '../../engine/metrics/regression.ts';
import { MaskedNetwork } from '../../engine/network.ts';
import { predict } from '../../engine/predict.ts';
import { plantedScore } from '../../harness/run/run-metrics.ts';
import { getTask } from '../registry.ts';

describe('planted regression tasks with several outputs', () => {
  it("score the planted ticket as the harness scores a record: the reference and the harness's MSE agree on Helix (d = 3)", async () => {
    await selectBackend('cpu');
    const task = getTask('planted-helix-tiny');
    const data = await task.load(0);
    const test = data.splits.test;
    expect(test.outputSize).toBe(3);
    // The planted ticket in the harness's own network: the task's initial weights with the truth mask,
    // scored by the function that gives a record's strong- and weak-ticket scores.
    const network = MaskedNetwork.fromWeights(task.architecture, data.initialWeights!);
    network.setMasks(data.planted!.truthMask);
    const harnessScore = plantedScore(task, network, test);
    const raw = predict(network, test);
    network.dispose();
    const reference = data.planted!.plantedScore;
    // Float64 forward pass (planted/ticket-score.ts) against the float32 network: equal to float32 precision.
    expect(Math.abs(harnessScore - reference) / reference).toBeLessThan(1e-4);
    // Both are the squared error summed over the 3 outputs, averaged over samples: the mean over all
    // n·d entries would be a third of it.
    const { rescaled } = rescaleOutputs(raw, test.y as Float32Array, 3);
    let squares = 0;
    for (let i = 0; i < rescaled.length; i++) squares += (rescaled[i] - test.y[i]) ** 2;
    const perEntry = squares / rescaled.length;
    expect(Math.abs(reference - 3 * perEntry) / reference).toBeLessThan(1e-4);
  });
});
