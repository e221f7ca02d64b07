import { describe, expect, it } from 'vitest';
import { RunEta } from './eta.ts';

describe('RunEta', () => {
  it('weighs the jobs left by their estimated cost, at the pace the run has kept so far', () => {
    // four cheap jobs (10 s estimated), then two dear ones (300 s)
    const eta = new RunEta([10, 10, 10, 10, 300, 300]);
    expect(eta.seconds(5)).toBeNull();
    eta.finished(0);
    eta.finished(1);
    // 20 estimated seconds done in 30 s of wall time: 1.5 s per estimated second, 620 left
    expect(eta.seconds(30)).toBeCloseTo(930);
    // counting jobs would say 30 s × 4 / 2 = 60 s
    eta.finished(2);
    eta.finished(3);
    eta.finished(4);
    expect(eta.seconds(400)).toBeCloseTo((400 / 340) * 300);
    eta.finished(5);
    expect(eta.seconds(700)).toBe(0);
  });

  it('counts a job with no estimate as the mean of those with one, and counts jobs when none has', () => {
    const partly = new RunEta([100, null, 300]);
    partly.finished(1); // the unknown one, taken as 200
    expect(partly.seconds(100)).toBeCloseTo((100 / 200) * 400);

    const unknown = new RunEta([null, null, null, null]);
    unknown.finished(2);
    expect(unknown.seconds(60)).toBeCloseTo(180);
  });

  it('finishes in any order (two workers finish jobs out of plan order)', () => {
    const eta = new RunEta([50, 10, 40]);
    eta.finished(2);
    expect(eta.seconds(20)).toBeCloseTo((20 / 40) * 60);
  });
});
