import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkedMethodSources } from './method-sources.ts';

const childRuntime = fileURLToPath(new URL('./child.ts', import.meta.url));
const hardening = fileURLToPath(new URL('./harden.ts', import.meta.url));
const noNodeFetch = fileURLToPath(new URL('./no-node-fetch.ts', import.meta.url));

// esbuild's ESM output for Node lacks the CommonJS globals some tfjs files use.
const nodeGlobals = [
  "import { createRequire as __pbCreateRequire } from 'node:module';",
  "import { fileURLToPath as __pbFileURLToPath } from 'node:url';",
  "import { dirname as __pbDirname } from 'node:path';",
  'const require = __pbCreateRequire(import.meta.url);',
  'const __filename = __pbFileURLToPath(import.meta.url);',
  'const __dirname = __pbDirname(__filename);',
].join(' ');

/**
 * Bundles the sandbox runtime and one method into a single ES module, so the sandboxed process
 * needs to read no source tree (and no loader) at all. Returns the bundle's path. Refuses (with
 * MethodImportError) a method that imports anything but its own folder, the method API and kit and
 * tfjs-core; the hardening module is evaluated before any method code.
 */
export async function bundleMethod(methodEntry: string, outDir: string, name: string): Promise<string> {
  checkedMethodSources(methodEntry);
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    stdin: {
      contents: `import ${JSON.stringify(hardening)};\nimport { prune } from ${JSON.stringify(methodEntry)};\nimport { serve } from ${JSON.stringify(childRuntime)};\nserve(prune);\n`,
      resolveDir: outDir,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    banner: { js: nodeGlobals },
    // tfjs's ES module builds, so the gradient registrations can come from tfjs-core alone: the
    // engine imports the whole @tensorflow/tfjs package for them (its CommonJS core cannot load
    // them), which would put layers, converter, webgl and data (3.3 of 4.8 MB) in every bundle
    // and cost each sandboxed process a third of a second to parse.
    mainFields: ['module', 'main'],
    alias: { '@tensorflow/tfjs': '@tensorflow/tfjs-core/dist/register_all_gradients.js', 'node-fetch': noNodeFetch },
    // A quarter less to parse in every sandboxed process. Identifiers and syntax are kept, so the
    // messages of a method's errors (which failed records quote) do not change.
    minifyWhitespace: true,
    logLevel: 'silent',
  });
  return outfile;
}

/** The file name (without .mjs) of a method's bundle: the method and the source it was made from. */
export function methodBundleName(methodId: string, sourceHash: string): string {
  return `${methodId}-${sourceHash.slice(0, 12)}`;
}
