import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SchemaValidator } from './schema-validator.js';

/** The operations of GitHub's REST API the emulator serves (operationId as in the description). */
export const EMULATED_OPERATIONS = [
  'users/get-authenticated',
  'repos/get',
  'pulls/list',
  'pulls/create',
  'pulls/get',
  'pulls/update',
  'issues/list-comments',
  'issues/create-comment',
] as const;

/** One of the emulated operation ids. */
export type OperationId = (typeof EMULATED_OPERATIONS)[number];

/** A parameter of an operation, with $ref resolved. */
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: unknown;
}

/** One indexed operation of the description. */
export interface Operation {
  id: OperationId;
  method: string;
  template: string;
  pattern: RegExp;
  pathNames: string[];
  parameters: Parameter[];
  requestBody: Record<string, unknown> | undefined;
  responses: Record<string, unknown>;
}

/** GitHub's official description (api.github.com, from @octokit/openapi), indexed for the emulator. */
export interface GitHubApiDescription {
  version: string;
  operations: Map<OperationId, Operation>;
  validator: SchemaValidator;
  /** Resolves `{$ref}` objects of the description (responses, parameters). */
  deref(node: unknown): Record<string, unknown>;
}

let cached: GitHubApiDescription | undefined;

/** Path of the api.github.com description inside the installed @octokit/openapi package. */
export function descriptionPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@octokit/openapi/package.json');
  return join(dirname(pkg), 'generated', 'api.github.com.json');
}

/** Loads and indexes the description once per process (it is ~13 MB of JSON). */
export function loadGitHubApiDescription(): GitHubApiDescription {
  if (cached !== undefined) return cached;
  const doc = JSON.parse(readFileSync(descriptionPath(), 'utf8')) as {
    info: { version: string };
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  const validator = new SchemaValidator(doc);
  const deref = (node: unknown): Record<string, unknown> => {
    let current = node as Record<string, unknown>;
    while (typeof current.$ref === 'string') current = validator.resolve(current.$ref);
    return current;
  };
  const wanted = new Set<string>(EMULATED_OPERATIONS);
  const operations = new Map<OperationId, Operation>();
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const id = op.operationId;
      if (typeof id !== 'string' || !wanted.has(id)) continue;
      const pathNames: string[] = [];
      const source = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
        pathNames.push(name);
        return '([^/]+)';
      });
      const rawParams = (op.parameters ?? []) as unknown[];
      const parameters = rawParams.map((p) => {
        const d = deref(p);
        return {
          name: d.name as string,
          in: d.in as Parameter['in'],
          required: d.required === true,
          schema: d.schema,
        };
      });
      operations.set(id as OperationId, {
        id: id as OperationId,
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${source}$`),
        pathNames,
        parameters,
        requestBody: op.requestBody === undefined ? undefined : deref(op.requestBody),
        responses: op.responses as Record<string, unknown>,
      });
    }
  }
  for (const id of EMULATED_OPERATIONS) {
    if (!operations.has(id)) throw new Error(`operation ${id} missing from the description`);
  }
  cached = { version: doc.info.version, operations, validator, deref };
  return cached;
}
