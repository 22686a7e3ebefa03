import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CeremonyError } from '../metadata/errors.js';
import { isJsonObject } from '../metadata/json.js';
import { checkVisibleKeys } from '../metadata/terminal-text.js';
import { parseJson } from '../metadata/parse.js';
import { prettyJson } from '../metadata/serialize.js';
import { writeFileAtomic } from './atomic-write.js';

// Custom metadata of target inputs, by target path, for every targets role (top-level and
// delegated) in one file: targets-custom.json. A path is the input of one role only.

/** targets-custom.json of a ceremony repository. */
export function targetsCustomFile(root: string): string {
  return join(root, 'targets-custom.json');
}

/** Custom metadata by target path (empty when the file is absent). */
export async function readTargetsCustom(root: string): Promise<Record<string, unknown>> {
  const file = targetsCustomFile(root);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return {};
    throw err;
  }
  const value = parseJson(bytes, file);
  if (!isJsonObject(value))
    throw new CeremonyError(
      'STATE_INVALID',
      `${file}: must be a JSON object of target path -> custom metadata`,
    );
  checkVisibleKeys(value, file, 'STATE_INVALID');
  return value;
}

/** Writes the custom metadata (atomically), paths in sorted order. */
export async function writeTargetsCustom(
  root: string,
  customs: Readonly<Record<string, unknown>>,
): Promise<void> {
  const sorted = Object.fromEntries(
    Object.keys(customs)
      .sort()
      .map((path) => [path, customs[path]]),
  );
  await writeFileAtomic(targetsCustomFile(root), prettyJson(sorted));
}
