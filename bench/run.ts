/** `npm run bench`: every benchmark, printing figures and ratios. Never part of the tests. */
import { benchConvKernels } from './conv-kernel-speed.ts';
import { benchEngineSpeed } from './engine-speed.ts';
import { benchHarness } from './harness-bench.ts';
import { benchImpTrunk } from './imp-trunk.ts';
import { benchStructuredSpeedup } from './structured-speedup.ts';
import { benchImpTrunkRunner } from './imp-trunk-runner.ts';
import { benchSite } from './site-build.ts';

const only = process.argv[2];
if (!only || only === 'engine') {
  await benchEngineSpeed();
  await benchConvKernels();
}
if (!only || only === 'harness') await benchHarness();
if (!only || only === 'site') await benchSite();
if (!only || only === 'imp-trunk') await benchImpTrunk();
if (!only || only === 'structured') await benchStructuredSpeedup();
if (!only || only === 'imp-trunk-runner') await benchImpTrunkRunner();
