/**
 * A JSON Schema validator for the subset GitHub's OpenAPI 3.0 description uses: type (string or
 * list), nullable, properties, required, additionalProperties, items, enum, allOf/anyOf/oneOf
 * (with discriminator), $ref to `#/...`, length/number/items bounds and pattern. `format` and the
 * annotations are ignored. Any other keyword makes validation fail loudly, so the validator can
 * never pass a value because it silently skipped a rule it does not know.
 */

type Json = unknown;
type SchemaObject = Record<string, unknown>;

/** Keywords that only annotate; they never constrain a value. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  'example',
  'examples',
  'default',
  'deprecated',
  'format',
  'readOnly',
  'writeOnly',
  'externalDocs',
  'xml',
]);

/** Keywords this validator enforces. */
const ENFORCED = new Set([
  '$ref',
  'type',
  'nullable',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'allOf',
  'anyOf',
  'oneOf',
  'discriminator',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'uniqueItems',
  'pattern',
]);

/** Options of one validation. */
export interface ValidateOptions {
  /**
   * Reject object properties the schema does not declare (unless it allows
   * additionalProperties). The emulator uses it both ways, so neither the client nor the
   * emulator can send a field GitHub does not define.
   */
  rejectUnknownProperties?: boolean;
}

function isObject(v: Json): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function matchesType(v: Json, t: string): boolean {
  const actual = typeOf(v);
  if (t === 'number') return actual === 'number' || actual === 'integer';
  return actual === t;
}

/** Validates JSON values against schemas inside one OpenAPI document (for `$ref` lookups). */
export class SchemaValidator {
  constructor(private readonly document: Json) {}

  /** Resolves a local `$ref` (`#/components/schemas/x`). */
  resolve(ref: string): SchemaObject {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let node: Json = this.document;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isObject(node) || !(key in node)) throw new Error(`unresolvable $ref ${ref}`);
      node = node[key];
    }
    if (!isObject(node)) throw new Error(`$ref ${ref} is not an object`);
    return node;
  }

  /** Returns every violation (`$.path: rule`), empty when the value conforms. */
  validate(schema: Json, value: Json, options: ValidateOptions = {}, path = '$'): string[] {
    const errors: string[] = [];
    this.check(schema, value, path, errors, options.rejectUnknownProperties === true);
    return errors;
  }

  private check(schema: Json, value: Json, path: string, errors: string[], strict: boolean): void {
    if (!isObject(schema)) throw new Error(`schema at ${path} is not an object`);
    const ref = schema.$ref;
    if (typeof ref === 'string') {
      // OpenAPI 3.0: siblings of $ref are ignored.
      this.check(this.resolve(ref), value, path, errors, strict);
      return;
    }
    for (const key of Object.keys(schema)) {
      if (!ENFORCED.has(key) && !ANNOTATIONS.has(key) && !key.startsWith('x-')) {
        throw new Error(`schema at ${path} uses unsupported keyword "${key}"`);
      }
    }
    const types = this.types(schema);
    if (value === null) {
      if (schema.nullable === true || types?.includes('null') === true) return;
      if (Array.isArray(schema.enum) && schema.enum.includes(null)) return;
      if (types !== undefined) {
        errors.push(`${path}: null is not allowed (type ${types.join('|')})`);
        return;
      }
    } else if (types !== undefined && !types.some((t) => matchesType(value, t))) {
      errors.push(`${path}: expected ${types.join('|')}, got ${typeOf(value)}`);
      return;
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
      errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    }
    this.checkScalar(schema, value, path, errors);
    if (Array.isArray(value)) this.checkArray(schema, value, path, errors, strict);
    if (isObject(value)) this.checkObject(schema, value, path, errors, strict);
    this.checkComposition(schema, value, path, errors, strict);
  }

  private types(schema: SchemaObject): string[] | undefined {
    const t = schema.type;
    if (t === undefined) return undefined;
    if (typeof t === 'string') return [t];
    if (Array.isArray(t) && t.every((x) => typeof x === 'string')) return t;
    throw new Error(`invalid type keyword ${JSON.stringify(t)}`);
  }

  private checkScalar(schema: SchemaObject, value: Json, path: string, errors: string[]): void {
    if (typeof value === 'string') {
      const { minLength, maxLength, pattern } = schema;
      if (typeof minLength === 'number' && value.length < minLength) {
        errors.push(`${path}: shorter than ${minLength}`);
      }
      if (typeof maxLength === 'number' && value.length > maxLength) {
        errors.push(`${path}: longer than ${maxLength}`);
      }
      if (typeof pattern === 'string' && !new RegExp(pattern, 'u').test(value)) {
        errors.push(`${path}: does not match ${pattern}`);
      }
    }
    if (typeof value === 'number') {
      const { minimum, maximum } = schema;
      if (typeof minimum === 'number' && value < minimum) errors.push(`${path}: below ${minimum}`);
      if (typeof maximum === 'number' && value > maximum) errors.push(`${path}: above ${maximum}`);
    }
  }

  private checkArray(
    schema: SchemaObject,
    value: Json[],
    path: string,
    errors: string[],
    strict: boolean,
  ): void {
    const { items, minItems, maxItems, uniqueItems } = schema;
    if (typeof minItems === 'number' && value.length < minItems) {
      errors.push(`${path}: fewer than ${minItems} items`);
    }
    if (typeof maxItems === 'number' && value.length > maxItems) {
      errors.push(`${path}: more than ${maxItems} items`);
    }
    if (uniqueItems === true) {
      const seen = new Set(value.map((v) => JSON.stringify(v)));
      if (seen.size !== value.length) errors.push(`${path}: items are not unique`);
    }
    if (items !== undefined) {
      value.forEach((item, i) => {
        this.check(items, item, `${path}[${i}]`, errors, strict);
      });
    }
  }

  private checkObject(
    schema: SchemaObject,
    value: Record<string, unknown>,
    path: string,
    errors: string[],
    strict: boolean,
  ): void {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const { required, additionalProperties } = schema;
    if (Array.isArray(required)) {
      for (const name of required) {
        if (typeof name === 'string' && value[name] === undefined) {
          errors.push(`${path}: missing required property "${name}"`);
        }
      }
    }
    const composed = ['allOf', 'anyOf', 'oneOf'].some((k) => schema[k] !== undefined);
    const known = composed ? this.composedProperties(schema) : undefined;
    for (const [name, child] of Object.entries(value)) {
      const sub = properties[name];
      if (sub !== undefined) {
        this.check(sub, child, `${path}.${name}`, errors, strict);
      } else if (additionalProperties === false) {
        errors.push(`${path}: property "${name}" is not allowed`);
      } else if (isObject(additionalProperties)) {
        this.check(additionalProperties, child, `${path}.${name}`, errors, strict);
      } else if (
        strict &&
        additionalProperties === undefined &&
        (isObject(schema.properties) || (known !== undefined && known.size > 0)) &&
        !(known?.has(name) ?? false)
      ) {
        errors.push(`${path}: property "${name}" is not defined by the schema`);
      }
    }
  }

  /** Property names declared by the branches of allOf/anyOf/oneOf (for the unknown-key check). */
  private composedProperties(schema: SchemaObject): Set<string> {
    const names = new Set<string>();
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
      const list = schema[key];
      if (!Array.isArray(list)) continue;
      for (const branch of list as unknown[]) {
        const ref = isObject(branch) ? branch.$ref : undefined;
        const node = typeof ref === 'string' ? this.resolve(ref) : branch;
        if (isObject(node) && isObject(node.properties)) {
          for (const name of Object.keys(node.properties)) names.add(name);
        }
      }
    }
    return names;
  }

  private checkComposition(
    schema: SchemaObject,
    value: Json,
    path: string,
    errors: string[],
    strict: boolean,
  ): void {
    // Branches are checked for their own rules; unknown keys were judged against their union.
    const { allOf, anyOf, oneOf } = schema;
    if (Array.isArray(allOf)) {
      for (const branch of allOf) this.check(branch, value, path, errors, false);
    }
    if (Array.isArray(anyOf)) {
      const results = anyOf.map((b) => this.validate(b, value, {}, path));
      if (!results.some((r) => r.length === 0)) {
        errors.push(`${path}: matches none of anyOf (${results.map((r) => r[0]).join('; ')})`);
      }
    }
    if (Array.isArray(oneOf)) {
      const chosen = this.discriminated(schema, value);
      if (chosen !== undefined) {
        this.check(chosen, value, path, errors, strict);
        return;
      }
      const results = oneOf.map((b) => this.validate(b, value, {}, path));
      const passing = results.filter((r) => r.length === 0).length;
      if (passing === 0) {
        errors.push(`${path}: matches none of oneOf (${results.map((r) => r[0]).join('; ')})`);
      } else if (passing > 1) {
        errors.push(`${path}: matches ${passing} branches of oneOf, exactly one allowed`);
      }
    }
  }

  /** The oneOf branch a discriminator names for this value, when it names one. */
  private discriminated(schema: SchemaObject, value: Json): SchemaObject | undefined {
    const d = schema.discriminator;
    if (!isObject(d) || typeof d.propertyName !== 'string' || !isObject(value)) return undefined;
    const tag = value[d.propertyName];
    if (typeof tag !== 'string' || !isObject(d.mapping)) return undefined;
    const target = d.mapping[tag];
    return typeof target === 'string' ? { $ref: target } : undefined;
  }
}
