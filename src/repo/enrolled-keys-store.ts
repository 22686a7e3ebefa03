import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkEnrolledKey, type EnrolledKey } from '../ceremony/enrolled-key.js';
import { CeremonyError } from '../metadata/errors.js';
import { prettyJson } from '../metadata/serialize.js';
import { parseJson } from '../metadata/parse.js';
import { writeFileAtomic } from './atomic-write.js';
import type { CeremonyPaths } from './ceremony-paths.js';

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}

async function listEntries(dir: string): Promise<Dirent[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}

/** Enrolled keys, and the files in keys/ that are not enrollment records. */
export interface EnrolledKeysLoad {
  keys: EnrolledKey[];
  /** Paths relative to the ceremony (`keys/alice.key`): never read, never committed by publish. */
  stray: string[];
}

/**
 * Loads every enrolled key (keys/<holder>/<keyid>.json), checking each keyid. Anything else in
 * keys/ (a private key file written there by mistake, a folder in a holder's folder) is listed
 * as stray by name instead of failing every command.
 */
export async function loadEnrolledKeys(paths: CeremonyPaths): Promise<EnrolledKeysLoad> {
  const keys: EnrolledKey[] = [];
  const stray: string[] = [];
  for (const holderEntry of await listEntries(paths.keys)) {
    const holder = holderEntry.name;
    if (!holderEntry.isDirectory()) {
      if (holder !== '.gitkeep') stray.push(`keys/${holder}`);
      continue;
    }
    for (const entry of await listEntries(join(paths.keys, holder))) {
      const name = entry.name;
      if (!entry.isFile() || !name.endsWith('.json')) {
        stray.push(`keys/${holder}/${name}`);
        continue;
      }
      const file = join(paths.keys, holder, name);
      const record = checkEnrolledKey(parseJson(await readFile(file), file), file, holder);
      if (`${record.keyid}.json` !== name) {
        throw new CeremonyError(
          'STATE_INVALID',
          `${file}: file name must be the keyid ${record.keyid}.json`,
        );
      }
      keys.push(record);
    }
  }
  return { keys, stray };
}

/** The file of an enrollment record: keys/<holder>/<keyid>.json. */
export function enrolledKeyFile(paths: CeremonyPaths, record: EnrolledKey): string {
  return join(paths.keys, record.holder, `${record.keyid}.json`);
}

/** Stores an enrollment record; an existing record for the same key is never replaced silently. */
export async function saveEnrolledKey(
  paths: CeremonyPaths,
  record: EnrolledKey,
  replace = false,
): Promise<string> {
  const file = enrolledKeyFile(paths, record);
  if (
    !replace &&
    (await listDir(join(paths.keys, record.holder))).includes(`${record.keyid}.json`)
  ) {
    throw new CeremonyError(
      'STATE_INVALID',
      `${file}: key ${record.keyid.slice(0, 8)} is already enrolled for ${record.holder}`,
    );
  }
  await writeFileAtomic(file, prettyJson(record));
  return file;
}
