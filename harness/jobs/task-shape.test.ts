import { describe, expect, it } from 'vitest';
import { getTask, listTasks } from '../registry/suites.ts';
import { shapeOfTasks } from './task-shape.ts';

describe('shapeOfTasks', () => {
  const shapeOf = shapeOfTasks(listTasks());

  it('gives tasks that differ only in their data the same shape', () => {
    expect(shapeOf('planted-circle-noise30-d5-w100')).toBe(shapeOf('planted-circle-d5-w100'));
    expect(shapeOf('planted-circle-noise0-d5-w100')).toBe(shapeOf('planted-circle-d5-w100'));
    expect(shapeOf('fashion-lenet300')).toBe(shapeOf('mnist-lenet300'));
  });

  it('tells apart tasks whose network, recipe, kind or data sizes differ', () => {
    const distinct = ['planted-circle-d5-w100', 'planted-circle-d3-w100', 'planted-circle-d10-w100', 'planted-relu-d5-w100'];
    expect(new Set(distinct.map(shapeOf)).size).toBe(distinct.length);
    expect(shapeOf('mnist-lenet300-small')).not.toBe(shapeOf('mnist-lenet300'));
    expect(shapeOf('mnist-lenet5-2epochs')).not.toBe(shapeOf('mnist-lenet5'));
  });

  it('has no shape for a task it was not given or one without a stated scale', () => {
    expect(shapeOf('no-such-task')).toBeNull();
    const { scale: _, ...unscaled } = getTask('mnist-lenet300');
    expect(shapeOfTasks([unscaled])('mnist-lenet300')).toBeNull();
  });
});
