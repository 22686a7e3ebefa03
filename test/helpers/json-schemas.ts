import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { PROJECT_ROOT } from './fixtures.js';

// The documented --json schemas (docs/schemas/*.schema.json), compiled once by strict ajv: a
// schema that uses an unknown keyword or contradicts itself fails here, not in a user's tool.

const SCHEMAS = join(PROJECT_ROOT, 'docs', 'schemas');
const ajv = new Ajv2020({ allErrors: true, strict: true });
for (const file of readdirSync(SCHEMAS)) {
  ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as object, file);
}

/** Asserts stdout is one JSON document valid against docs/schemas/<schema>.schema.json; returns it. */
export function expectValid(schema: string, stdout: string): unknown {
  const validate = ajv.getSchema(`${schema}.schema.json`);
  if (validate === undefined) throw new Error(`no schema ${schema}`);
  const parsed: unknown = JSON.parse(stdout);
  const ok = validate(parsed);
  expect(ok, `${schema}: ${ajv.errorsText(validate.errors)}\n${stdout}`).toBe(true);
  return parsed;
}
