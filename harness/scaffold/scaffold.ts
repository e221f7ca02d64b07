/**
 * Scaffolds a new method folder from the templates beside this file: a schema-valid manifest with
 * TODO placeholders, an index.ts whose placeholder score (|θ|) runs end to end, and a golden test.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const METHOD_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;

const templateDir = fileURLToPath(new URL('./template/', import.meta.url));
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export class ScaffoldError extends Error {}

export interface ScaffoldResult {
  dir: string;
  files: string[];
}

function fill(template: string, id: string, rootImport: string): string {
  return readFileSync(join(templateDir, template), 'utf8').replaceAll('__ID__', id).replaceAll('__ROOT__', rootImport);
}

/** Creates `<methodsDir>/<id>/` with manifest.json, index.ts and <id>.test.ts; refuses bad or taken ids. */
export function scaffoldMethod(id: string, methodsDir: string): ScaffoldResult {
  if (!METHOD_ID_PATTERN.test(id)) {
    throw new ScaffoldError(
      `'${id}' is not a valid method id: use 1–48 lowercase letters, digits and hyphens, starting with a letter or digit (pattern ${METHOD_ID_PATTERN.source})`,
    );
  }
  const dir = resolve(methodsDir, id);
  if (existsSync(dir))
    throw new ScaffoldError(`${dir} already exists: method ids must be unique (see \`prunebench list methods\`); pick another id`);
  // Imports are relative to where the folder lands, so a scaffold outside methods/ still resolves the project's modules.
  let rootImport = relative(dir, projectRoot).split(sep).join('/').replace(/\/$/, '');
  if (!rootImport.startsWith('.')) rootImport = `./${rootImport}`;
  const files: Array<[string, string]> = [
    ['manifest.json', fill('manifest.json.template', id, rootImport)],
    ['index.ts', fill('index.ts.template', id, rootImport)],
    [`${id}.test.ts`, fill('golden-test.ts.template', id, rootImport)],
  ];
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(dir, name), text, { flag: 'wx' });
  return { dir, files: files.map(([name]) => join(dir, name)) };
}
