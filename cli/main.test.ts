import { describe, expect, it } from 'vitest';
import { prunebench } from '../tests/cli-helpers.ts';

describe('prunebench command line', () => {
  it('refuses arguments a command does not take instead of ignoring them', () => {
    const listed = prunebench(['list', 'methods', 'extra']);
    expect(listed.code).not.toBe(0);
    expect(listed.stderr).toMatch(/too many arguments for 'list'/);
    const report = prunebench(['report', '--suite', 'smoke', 'results/runs']);
    expect(report.code).not.toBe(0);
    expect(report.stderr).toMatch(/too many arguments for 'report'/);
  });

  it('refuses unknown options, naming them', () => {
    const r = prunebench(['run', '--suite', 'smoke', '--worker', '2']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown option '--worker'/);
  });
});
