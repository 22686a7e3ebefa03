import { userFolder } from './user-folder.js';

/** Environment variable naming this machine's cache folder of tuf-ceremony. */
export const CACHE_ENV = 'TUF_CEREMONY_CACHE';

/**
 * What this machine's commands leave for the next one to save work (planning records, checked
 * signatures), outside every ceremony repository: `$TUF_CEREMONY_CACHE`, else
 * `$XDG_CACHE_HOME/tuf-ceremony`, else `~/.cache/tuf-ceremony`. Deleting it costs time only.
 */
export function toolCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return userFolder(env, { explicit: CACHE_ENV, xdg: 'XDG_CACHE_HOME', fallback: '.cache' });
}
