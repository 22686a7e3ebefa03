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

/** Loads every enrolled key (keys/<holder>/<keyid>.json), checking each keyid. */
export async function loadEnrolledKeys(paths: CeremonyPaths): Promise<EnrolledKey[]> {
  const out: EnrolledKey[] = [];
  for (const holder of await listDir(paths.keys)) {
    for (const name of await listDir(join(paths.keys, holder))) {
      if (!name.endsWith('.json')) continue;
      const file = join(paths.keys, holder, name);
      const record = checkEnrolledKey(parseJson(await readFile(file), file), file, holder);
      if (`${record.keyid}.json` !== name) {
        throw new CeremonyError(
          'STATE_INVALID',
          `${file}: file name must be the keyid ${record.keyid}.json`,
        );
      }
      out.push(record);
    }
  }
  return out;
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
