import { join, relative } from 'node:path';
import { existsSync } from 'node:fs';
import { methodIds, methodsDir } from '../harness/registry/methods.ts';
import { scaffoldMethod, ScaffoldError } from '../harness/scaffold/scaffold.ts';

export interface NewMethodOptions {
  /** Methods directory (default: the project's methods/). */
  dir?: string;
}

/** The registered ids in `dir`; none when it cannot be read (an invalid manifest is validate's to report). */
function registeredIds(dir: string): string[] {
  try {
    return existsSync(dir) ? methodIds(dir) : [];
  } catch {
    return [];
  }
}

export async function newMethodCommand(
  id: string,
  opts: NewMethodOptions,
  print: (line: string) => void = console.log,
  error: (line: string) => void = console.error,
): Promise<number> {
  let result;
  try {
    const dir = opts.dir ?? methodsDir;
    // A variant declared in another method's manifest has no folder of its own but takes its id.
    if (!existsSync(join(dir, id)) && registeredIds(dir).includes(id))
      throw new ScaffoldError(`'${id}' is already a registered method id (see \`prunebench list methods\`); pick another id`);
    result = scaffoldMethod(id, dir);
  } catch (e) {
    if (!(e instanceof ScaffoldError)) throw e;
    error(`prunebench new-method: ${e.message}`);
    return 1;
  }
  const shown = (file: string) => {
    const rel = relative(process.cwd(), file);
    return rel && !rel.startsWith('..') ? rel : file;
  };
  print(`created ${shown(result.dir)}/`);
  for (const file of result.files) print(`  ${shown(file)}`);
  print('');
  print('next (CONTRIBUTING.md walks through each step):');
  print(`  1. fill in the TODOs in manifest.json (name, description, when, scope, needs, hyperparameters; add a paper block)`);
  print(`  2. replace the placeholder score in index.ts`);
  print(`  3. update the golden test with values worked out by hand:  npx vitest run ${shown(result.dir)}`);
  print(`  4. npx prunebench run --suite quick --methods ${id}`);
  print(`  5. git fetch origin && npx prunebench validate --base origin/main`);
  print(`  6. open a pull request with ${shown(result.dir)}/ only`);
  return 0;
}
