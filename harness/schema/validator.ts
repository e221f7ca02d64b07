import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const schemaDir = fileURLToPath(new URL('../../results/schema/', import.meta.url));

const schemaNames = ['record', 'manifest', 'suite', 'reproduction', 'release'] as const;
export type SchemaName = (typeof schemaNames)[number];

export class SchemaError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
  }
}

let ajv: Ajv | null = null;

/** One Ajv holding every schema, so that one schema can `$ref` another's definitions by file name. */
function schemaRegistry(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    for (const name of schemaNames) ajv.addSchema(JSON.parse(readFileSync(`${schemaDir}${name}.schema.json`, 'utf8')), name);
  }
  return ajv;
}

/** Ajv compiles a schema on its first getSchema and caches the validator. */
function validatorFor(name: SchemaName): ValidateFunction {
  const v = schemaRegistry().getSchema(name);
  if (!v) throw new Error(`no schema '${name}' in ${schemaDir}`);
  return v;
}

/** Human-readable problems, each naming the JSON path once ("/job/sparsity: must be <= 1"). */
export function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  const problems = (errors ?? []).map((e) => {
    const path = e.instancePath === '' ? '(root)' : e.instancePath;
    if (e.keyword === 'additionalProperties')
      return `${path}: unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    if (e.keyword === 'required') return `${path}: missing field '${(e.params as { missingProperty: string }).missingProperty}'`;
    return `${path}: ${e.message ?? e.keyword}`;
  });
  return [...new Set(problems)];
}

/** Problems with `data` under the named schema (empty when valid). */
export function schemaProblems(name: SchemaName, data: unknown): string[] {
  const v = validatorFor(name);
  if (v(data)) return [];
  return describeErrors(v.errors);
}

export function assertValid(name: SchemaName, data: unknown, file: string): void {
  const problems = schemaProblems(name, data);
  if (problems.length) throw new SchemaError(file, problems);
}

/** Parses JSON with an error that names the file and position. */
export function parseJsonFile(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SchemaError(file, [`malformed JSON: ${(e as Error).message}`]);
  }
}
