// Sigstore's published trust material is JSON with 2-space indent and a trailing newline, keys in
// proto field order. Objects are rebuilt in a fixed key order before printing, so the output does
// not depend on how a document was constructed.

/** Copies `value` with its keys in the given order, dropping absent (undefined) fields. */
export function ordered<T extends object>(value: T, keys: readonly (keyof T & string)[]): object {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out;
}

/** Prints a JSON value with 2-space indent and a trailing newline. */
export function printJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
