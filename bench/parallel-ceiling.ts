/**
 * How much faster two processes finish than one on this machine for the bulk of a harness job,
 * training LeNet-300-100 on the MNIST subset (a fixed number of steps on wasm), with no harness
 * around it: the reference for the harness's 2-worker speed-up, since the cores of a virtual
 * machine can share caches, memory bandwidth or a physical core.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const STEPS = 600;

async function work(): Promise<void> {
  const { selectBackend } = await import('../engine/backend/backend-selection.ts');
  const { MaskedNetwork, initialWeights } = await import('../engine/network.ts');
  const { trainNetwork } = await import('../engine/train.ts');
  const { Rng } = await import('../engine/rng.ts');
  const { getTask } = await import('../suites/registry.ts');
  await selectBackend('wasm');
  const task = getTask('mnist-lenet300-small');
  const data = await task.load(0);
  const network = MaskedNetwork.fromWeights(task.architecture, initialWeights(task.architecture, new Rng(0)));
  const start = performance.now();
  trainNetwork({ network, train: data.splits.train, recipe: task.recipe, epochs: task.recipe.epochs, rng: new Rng(1), maxSteps: STEPS });
  process.send!({ seconds: (performance.now() - start) / 1000 });
}

function runChild(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('message', (m: { seconds: number }) => resolve(m.seconds));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`ceiling child exited with ${code}`))));
  });
}

/** Throughput of 2 concurrent processes over 1, each doing the same fixed work (the median of 3 tries). */
export async function parallelCeiling(): Promise<{ oneSeconds: number; twoSeconds: number; ratio: number }> {
  const tries: Array<{ oneSeconds: number; twoSeconds: number; ratio: number }> = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const oneSeconds = await runChild();
    const twoSeconds = Math.max(...(await Promise.all([runChild(), runChild()])));
    tries.push({ oneSeconds, twoSeconds, ratio: (2 * oneSeconds) / twoSeconds });
  }
  return tries.sort((a, b) => a.ratio - b.ratio)[1];
}

if (process.argv.includes('--child')) await work();
