import { join } from 'node:path';
import { wasmBinaryDir } from '../../engine/backend/backend-selection.ts';
import { bundleMethod, methodBundleName } from '../sandbox/bundle.ts';
import { sandboxedPruner } from '../sandbox/sandboxed-pruner.ts';
import { getTask } from '../registry/suites.ts';
import { getMethod } from '../registry/methods.ts';
import type { LoadedMethod } from './execute.ts';

/** Resident-memory budget of a method's sandboxed prune process. */
const PRUNE_MEMORY_MB = Number(process.env.PRUNEBENCH_PRUNE_MEMORY_MB ?? 6144);

/**
 * A registered method whose prune() runs in the sandbox, as every run executes it. `bundle`: the
 * method already bundled (the runner bundles once per run); absent, it is bundled into `sandboxDir`.
 */
export async function sandboxedMethod(
  id: string,
  options: { sandboxDir: string; backend: 'wasm' | 'cpu'; bundle?: string },
): Promise<LoadedMethod> {
  const registered = getMethod(id);
  const bundle =
    options.bundle ??
    (await bundleMethod(join(registered.dir, 'index.ts'), options.sandboxDir, methodBundleName(id, registered.sourceHash)));
  return {
    manifest: registered.manifest,
    sourceHash: registered.sourceHash,
    pruner: sandboxedPruner({
      bundle,
      workDir: options.sandboxDir,
      backend: options.backend,
      wasmDir: options.backend === 'wasm' ? wasmBinaryDir() : null,
      timeBudgetSeconds: (request) => getTask(request.spec.task.id).jobBudgetSeconds,
      memoryBudgetMb: PRUNE_MEMORY_MB,
    }),
  };
}
