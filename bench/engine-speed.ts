/**
 * Training speed of the engine: LeNet-300-100 and LeNet-5, one pass over MNIST-sized data, batch 60,
 * Adam, masks enforced, on the selected backend (wasm here); next to PyTorch (one thread) when
 * /usr/bin/python3.11 can import torch.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../harness/engine/backend/select.ts';
import { MaskedNetwork } from '../harness/engine/network.ts';
import { Rng } from '../harness/engine/rng.ts';
import { trainNetwork } from '../harness/engine/train.ts';
import type { Dataset } from '../harness/engine/types.ts';
import type { ArchitectureSpec } from '../harness/engine/architecture.ts';
import { lenet300100, lenet5 } from '../suites/models/architectures.ts';
import { lenetRecipe } from '../suites/recipes.ts';

const PYTHON = '/usr/bin/python3.11';
const reference = fileURLToPath(new URL('./pytorch_reference.py', import.meta.url));

function randomMnist(n: number): Dataset {
  const rng = new Rng(1);
  return { n, inputShape: [784], x: rng.uniformArray(n * 784), y: Int32Array.from({ length: n }, () => rng.int(10)), outputSize: 10 };
}

function ourSamplesPerSecond(spec: ArchitectureSpec, samples: number): number {
  const data = randomMnist(samples);
  data.inputShape = spec.inputShape;
  const network = MaskedNetwork.initialise(spec, new Rng(0));
  network.setMasks(Object.fromEntries(network.prunableNames.map((n) => [n, new Float32Array(network.variable(n).size).fill(1)])));
  // Warm-up: the first steps compile kernels and allocate.
  trainNetwork({ network, train: randomMnist(600), recipe: { ...lenetRecipe, selectBestEpoch: false }, epochs: 1, rng: new Rng(2), maxSteps: 5 });
  const start = performance.now();
  trainNetwork({ network, train: data, recipe: { ...lenetRecipe, selectBestEpoch: false }, epochs: 1, rng: new Rng(3) });
  const seconds = (performance.now() - start) / 1000;
  network.dispose();
  return samples / seconds;
}

function torchSamplesPerSecond(arch: string, samples: number): { rate: number; version: string } | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const r = spawnSync(PYTHON, [reference, arch, String(samples), '60'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyTorch reference failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { samples_per_second: number; torch: string };
  return { rate: out.samples_per_second, version: out.torch };
}

export async function benchEngineSpeed(samples = { 'lenet-300-100': 60000, 'lenet-5': 12000 }): Promise<void> {
  const backend = await selectBackend();
  console.log(`\n== engine: training speed, batch 60, Adam, masks enforced; backend ${backend.name} (${backend.threads} thread${backend.threads > 1 ? 's' : ''})`);
  const aims: Record<string, number> = { 'lenet-300-100': 1.5, 'lenet-5': 5 };
  for (const spec of [lenet300100, lenet5]) {
    const n = samples[spec.id as keyof typeof samples];
    const ours = ourSamplesPerSecond(spec, n);
    const torch = torchSamplesPerSecond(spec.id, n);
    const line = `${spec.id.padEnd(14)} ${n} samples: PruneBench ${ours.toFixed(0)} samples/s`;
    if (!torch) console.log(`${line}; PyTorch not available (${PYTHON} cannot import torch: apt-get install -y python3-torch)`);
    else {
      const slower = torch.rate / ours;
      console.log(`${line}; PyTorch ${torch.version} (1 thread) ${torch.rate.toFixed(0)} samples/s; PyTorch/PruneBench = ${slower.toFixed(2)}× (aim ≤ ${aims[spec.id]}×)`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchEngineSpeed();
