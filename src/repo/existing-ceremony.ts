import { lstat, readdir } from 'node:fs/promises';
import { relative } from 'node:path';
import type { CeremonyPaths } from './ceremony-paths.js';

/** Placeholder init writes into empty folders so git keeps them. */
const PLACEHOLDER = '.gitkeep';

async function entries(path: string): Promise<string[] | undefined> {
  try {
    // A file (or a symlink) where a folder belongs counts as content.
    if (!(await lstat(path)).isDirectory()) return [path];
    return await readdir(path);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The parts of a trust root a directory already holds: ceremony.yaml, content in repository/ or
 * ceremony-logs/ (beyond init's placeholder), staged/ or keys/. Anything else (README, LICENSE,
 * .git) is not a ceremony's. Names relative to the directory, `/` after folders.
 */
export async function existingCeremonyParts(paths: CeremonyPaths): Promise<string[]> {
  const found: string[] = [];
  const name = (path: string): string => relative(paths.root, path);
  if ((await entries(paths.plan)) !== undefined) found.push(name(paths.plan));
  for (const dir of [paths.repository, paths.logs]) {
    const list = await entries(dir);
    if (list?.some((e) => e !== PLACEHOLDER)) found.push(`${name(dir)}/`);
  }
  for (const dir of [paths.staged, paths.keys])
    if ((await entries(dir)) !== undefined) found.push(`${name(dir)}/`);
  return found;
}
