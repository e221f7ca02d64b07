/**
 * The ceiling the engine's kernels are measured against: the peak float32 multiply-add rate of
 * wasm SIMD in this Node on this machine (bench/simd-peak.wat), one thread, per second of this
 * process's CPU time (as the engine's rates are compared with it), the best of 7 runs: other work
 * on the machine can only lower it.
 */
import { fileURLToPath } from 'node:url';
import { compileWat } from '../engine/wasm/build.ts';

const FLOPS_PER_ROUND = 7 * 8;

export async function measureSimdPeak(): Promise<number> {
  const binary = await compileWat(fileURLToPath(new URL('./simd-peak.wat', import.meta.url)));
  const { peak } = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(binary))).exports as {
    peak: (rounds: number, seed: number, y: number) => number;
  };
  peak(1e6, 1, 1);
  const rates: number[] = [];
  const rounds = 2e7;
  for (let i = 0; i < 7; i++) {
    const start = process.cpuUsage();
    peak(rounds, i, 1);
    const used = process.cpuUsage(start);
    rates.push((rounds * FLOPS_PER_ROUND) / ((used.user + used.system) / 1e6));
  }
  return Math.max(...rates);
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  console.log(`wasm SIMD peak: ${((await measureSimdPeak()) / 1e9).toFixed(1)} GFLOP/s (multiply and add, one thread)`);
