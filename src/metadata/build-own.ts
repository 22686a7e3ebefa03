/** Sets an own enumerable property, also for the key `__proto__` (plain assignment would not). */
export function setOwn<V>(target: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** A linear copy of a string-keyed map (one pass; never spread inside a reduce). */
export function copyMap<V>(source: Readonly<Record<string, V>>): Record<string, V> {
  const copy: Record<string, V> = {};
  for (const key of Object.keys(source)) setOwn(copy, key, source[key] as V);
  return copy;
}

/** True when `map` holds `key` as its own property. */
export function hasOwn(map: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** A linear copy of a map keeping only the keys `keep` accepts. */
export function filterMap<V>(
  source: Readonly<Record<string, V>>,
  keep: (key: string) => boolean,
): Record<string, V> {
  const copy: Record<string, V> = {};
  for (const key of Object.keys(source)) if (keep(key)) setOwn(copy, key, source[key] as V);
  return copy;
}
