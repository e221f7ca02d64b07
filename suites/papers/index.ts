/**
 * The paper reproductions: each a suite the runner runs, the paper it follows and the claims checked;
 * each full-data variant (`<id>-full`, full-data-variants.ts) right after its base.
 */
import { fischer2022 } from './fischer2022.ts';
import { frankle2019 } from './frankle2019.ts';
import { frankle2019Full, han2015Full, lee2019Full } from './full-data-variants.ts';
import { han2015 } from './han2015.ts';
import { lee2019 } from './lee2019.ts';
import { tanaka2020 } from './tanaka2020.ts';
import type { PaperSuite } from '../../api/paper-api.ts';

export type { Claim, OrderingClaim, PaperReference, PaperSuite, ThresholdClaim, ValueClaim } from '../../api/paper-api.ts';

export const paperSuites: PaperSuite[] = [
  han2015,
  han2015Full,
  frankle2019,
  frankle2019Full,
  lee2019,
  lee2019Full,
  tanaka2020,
  fischer2022,
];

export function getPaperSuite(paperId: string): PaperSuite {
  const found = paperSuites.find((p) => p.paper.id === paperId);
  if (!found) throw new Error(`unknown paper '${paperId}' (known: ${paperSuites.map((p) => p.paper.id).join(', ')})`);
  return found;
}
