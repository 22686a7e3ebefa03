import type { Key } from './model.js';

/** Custom key field naming the holder, so metadata reviews can speak of people, not keyids. */
export const HOLDER_FIELD = 'x-tuf-ceremony-holder';

/** The holder named in a metadata key's custom field, if any. */
export function holderOfKey(key: Key): string | undefined {
  const value = (key as unknown as Record<string, unknown>)[HOLDER_FIELD];
  return typeof value === 'string' ? value : undefined;
}
