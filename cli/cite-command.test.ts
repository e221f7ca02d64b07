import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { citeCommand } from './cite-command.ts';

async function cite(opts: { release?: string; format?: string; results: string; citationFile: string }) {
  let out = '';
  const err: string[] = [];
  const code = await citeCommand(
    { format: 'bibtex', ...opts },
    (t) => (out += t),
    (l) => err.push(l),
  );
  return { code, out, err: err.join('\n') };
}

describe('prunebench cite', () => {
  const repo = mkdtempSync(join(tmpdir(), 'pb-cite-cli-'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  mkdirSync(join(repo, 'results'));
  const citationFile = join(repo, 'CITATION.cff');
  writeFileSync(citationFile, 'cff-version: 1.2.0\ntitle: "PruneBench: test"\nauthors:\n  - name: PruneBench contributors\n');
  const results = join(repo, 'results');

  it('prints the BibTeX or the CFF of the software', async () => {
    const bibtex = await cite({ results, citationFile });
    expect(bibtex.code).toBe(0);
    expect(bibtex.out).toMatch(/^% PruneBench, the software\n@software\{prunebench,/);
    const cff = await cite({ results, citationFile, format: 'cff' });
    expect(cff.code).toBe(0);
    expect(cff.out).toMatch(/^# Citation of PruneBench, the software;/);
  });

  it('exits 1 with the reason on an unknown format or release', async () => {
    const format = await cite({ results, citationFile, format: 'ris' });
    expect([format.code, format.err]).toEqual([1, "prunebench cite: --format must be bibtex or cff, got 'ris'"]);
    const release = await cite({ results, citationFile, release: 'v9.9.9' });
    expect(release.code).toBe(1);
    expect(release.err).toBe("prunebench cite: unknown release 'v9.9.9'; known releases: none (no vX.Y.Z tags in this repository)");
  });
});
