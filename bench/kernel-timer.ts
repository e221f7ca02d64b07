import * as tf from '@tensorflow/tfjs-core';

/**
 * Wraps every kernel registered for a backend with a timer, so a run can be split into time spent
 * inside backend kernels and time spent outside them (tfjs's engine, JS glue, data copies, the
 * harness). Counted: every call through tfjs's kernel registry — the backend's own kernels and
 * PruneBench's registered ones (fused Adam; the fused operations, whose few lines of glue between
 * the backend kernels they call then count as kernel time) — the outermost only when kernels nest.
 * The whole-step trainer calls the registry per kernel, so its own glue counts as outside. Valid
 * for synchronous backends (wasm, cpu).
 */
export function instrumentKernels(backendName: string): { kernelMilliseconds: () => number; calls: () => number; restore: () => void } {
  const originals = tf.getKernelsForBackend(backendName);
  let total = 0;
  let count = 0;
  let depth = 0;
  for (const config of originals) {
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const outermost = depth === 0;
        depth++;
        const start = performance.now();
        try {
          return config.kernelFunc(args);
        } finally {
          depth--;
          if (outermost) {
            total += performance.now() - start;
            count++;
          }
        }
      },
    });
  }
  return {
    kernelMilliseconds: () => total,
    calls: () => count,
    restore: () => {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backendName);
        tf.registerKernel(config);
      }
    },
  };
}

/** Milliseconds inside each kernel (outermost calls, by kernel name) while f runs; synchronous backends only. */
export function timeKernels(backendName: string, f: () => void): Map<string, number> {
  const originals = tf.getKernelsForBackend(backendName);
  const byKernel = new Map<string, number>();
  let depth = 0;
  for (const config of originals) {
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const outermost = depth++ === 0;
        const start = performance.now();
        try {
          return config.kernelFunc(args);
        } finally {
          depth--;
          if (outermost) byKernel.set(config.kernelName, (byKernel.get(config.kernelName) ?? 0) + performance.now() - start);
        }
      },
    });
  }
  try {
    f();
  } finally {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
    }
  }
  return byKernel;
}
