import { describe, expect, it } from 'vitest';
import type { PruningTime } from '../../api/method-api.ts';
import type { Control } from '../../api/task-api.ts';
import { trainingPlan, type TrainingPlan } from './training-plan.ts';

const recipe = { epochs: 8, fineTuneEpochs: 3 };
const plan = (when: PruningTime, control: Control | null, extra: { rescaled?: boolean; methodFineTuned?: boolean } = {}): TrainingPlan =>
  trainingPlan({ when, control, recipe, rescaled: extra.rescaled ?? false, methodFineTuned: extra.methodFineTuned ?? false });

// docs/protocol.md, "How a method is run" and "Controls", row by row.
describe('trainingPlan: the weights training starts from and the epochs, per when and control', () => {
  it('init: the initialisation (rescaled if the method returned factors), the recipe epochs', () => {
    expect(plan('init', null)).toEqual({ start: 'initial', epochs: 8 });
    expect(plan('init', null, { rescaled: true })).toEqual({ start: 'rescaled-initial', epochs: 8 });
    expect(plan('init', 'inverted')).toEqual({ start: 'initial', epochs: 8 });
    expect(plan('init', 'shuffled')).toEqual({ start: 'initial', epochs: 8 });
  });

  it('after-training: the trained dense reference, fine-tuned for fineTuneEpochs, unless the method fine-tuned itself', () => {
    expect(plan('after-training', null)).toEqual({ start: 'dense-trained', epochs: 3 });
    expect(plan('after-training', null, { methodFineTuned: true })).toEqual({ start: 'method-fine-tuned', epochs: 0 });
    expect(plan('after-training', 'shuffled', { methodFineTuned: true })).toEqual({ start: 'dense-trained', epochs: 3 });
    expect(plan('after-training', 'inverted')).toEqual({ start: 'dense-trained', epochs: 3 });
  });

  it('iterative: the weights the method left (IMP rewinds), the recipe epochs', () => {
    expect(plan('iterative', null)).toEqual({ start: 'method-left', epochs: 8 });
    expect(plan('iterative', 'shuffled')).toEqual({ start: 'method-left', epochs: 8 });
  });

  it('during-training: evaluated as the method left them; a shuffled mask is retrained from initialisation', () => {
    expect(plan('during-training', null)).toEqual({ start: 'method-left', epochs: 0 });
    expect(plan('during-training', 'inverted')).toEqual({ start: 'method-left', epochs: 0 });
    expect(plan('during-training', 'shuffled')).toEqual({ start: 'initial', epochs: 8 });
  });

  it('strong-ticket: never trained, on the initial (or recycled) weights, under every control', () => {
    expect(plan('strong-ticket', null)).toEqual({ start: 'strong-ticket', epochs: 0 });
    expect(plan('strong-ticket', 'shuffled')).toEqual({ start: 'strong-ticket', epochs: 0 });
    expect(plan('strong-ticket', 'reinit')).toEqual({ start: 're-drawn', epochs: 0 });
  });

  it('reinit: a fresh seeded draw trained for the full recipe, whatever the method', () => {
    for (const when of ['init', 'after-training', 'iterative', 'during-training'] as const) {
      expect(plan(when, 'reinit', { rescaled: when === 'init', methodFineTuned: when === 'after-training' })).toEqual({
        start: 're-drawn',
        epochs: 8,
      });
    }
  });
});
