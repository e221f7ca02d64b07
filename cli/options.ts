/** Parsing helpers and defaults shared by the commands. Each parser rejects bad input with a message naming the flag. */

/**
 * Where `run`, `reproduce` and `report` keep records unless `--results` names a folder: a local,
 * git-ignored folder, so ad-hoc runs never land in the committed leaderboard records.
 */
export const LOCAL_RESULTS = '.prunebench/results';
/** The committed leaderboard records: written only when asked for (`--results results`). */
export const COMMITTED_RESULTS = 'results';

export function parseList(flag: string) {
  return (value: string): string[] => {
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!items.length) throw new Error(`${flag} needs a comma-separated list`);
    return items;
  };
}

export function parseNumberList(flag: string, integer = false) {
  return (value: string): number[] =>
    parseList(flag)(value).map((item) => {
      const n = Number(item);
      if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
        throw new Error(`${flag}: '${item}' is not ${integer ? 'an integer' : 'a number'}`);
      return n;
    });
}

export function parsePositiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got '${value}'`);
    return n;
  };
}

/** Collects a repeatable option's values in order. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
