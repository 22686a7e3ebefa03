import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where a per-user folder of this tool lives: an explicit variable, else an XDG base folder. */
export interface UserFolder {
  /** The variable naming the folder itself (e.g. TUF_CEREMONY_KEY_REFS). */
  explicit: string;
  /** The XDG base variable (XDG_CONFIG_HOME, XDG_CACHE_HOME) and its default below the home. */
  xdg: 'XDG_CONFIG_HOME' | 'XDG_CACHE_HOME';
  fallback: '.config' | '.cache';
  /** The folder's name below `<base>/tuf-ceremony/` (none: that folder itself). */
  name?: string;
}

/** The folder: `$explicit`, else `$xdg/tuf-ceremony[/<name>]`, else `~/<fallback>/tuf-ceremony[/<name>]`. */
export function userFolder(
  env: Readonly<Record<string, string | undefined>>,
  folder: UserFolder,
): string {
  const explicit = env[folder.explicit];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env[folder.xdg];
  const base = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), folder.fallback);
  return folder.name === undefined
    ? join(base, 'tuf-ceremony')
    : join(base, 'tuf-ceremony', folder.name);
}
