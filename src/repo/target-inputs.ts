import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { targetFileFor, checkTargetPath } from '../metadata/build-targets.js';
import { CeremonyError } from '../metadata/errors.js';
import { isJsonObject } from '../metadata/json.js';
import type { TargetFile } from '../metadata/model.js';
import { parseJson } from '../metadata/parse.js';

// The target files a ceremony publishes in its top-level targets role live in the ceremony
// repository's targets/ folder (target path = path below it); custom metadata per path lives in
// targets-custom.json. Stage lists them; finalize publishes exactly the bytes that were hashed.

/** Where target inputs live in a ceremony repository. */
export function targetInputPaths(root: string): { dir: string; custom: string } {
  return { dir: join(root, 'targets'), custom: join(root, 'targets-custom.json') };
}

/** Custom metadata by target path (empty when the file is absent). */
export async function readTargetsCustom(root: string): Promise<Record<string, unknown>> {
  const file = targetInputPaths(root).custom;
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
  return value;
}

async function walk(dir: string, base: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, base, out);
    else if (entry.isFile() && entry.name !== '.gitkeep')
      out.push(relative(base, path).split(sep).join('/'));
  }
}

/** Every target input as a TargetFile (length, sha256, custom), or undefined without targets/. */
export async function readTargetInputs(
  root: string,
): Promise<Record<string, TargetFile> | undefined> {
  const { dir } = targetInputPaths(root);
  const paths: string[] = [];
  try {
    await walk(dir, dir, paths);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  const custom = await readTargetsCustom(root);
  const out: Record<string, TargetFile> = {};
  for (const path of paths.sort()) {
    checkTargetPath(path);
    out[path] = targetFileFor(await readFile(join(dir, path)), custom[path]);
  }
  return out;
}

/** The bytes of a target input, checked against the length and sha256 a draft lists. */
export async function readTargetInput(
  root: string,
  path: string,
  expected: TargetFile,
): Promise<Uint8Array> {
  const file = join(targetInputPaths(root).dir, path);
  const bytes = await readFile(file);
  const actual = targetFileFor(bytes);
  if (actual.length !== expected.length || actual.hashes.sha256 !== expected.hashes.sha256) {
    throw new CeremonyError(
      'HASH_MISMATCH',
      `${file}: changed since it was staged (sha256 ${actual.hashes.sha256?.slice(0, 16) ?? ''}…, staged ${expected.hashes.sha256?.slice(0, 16) ?? ''}…); run tuf-ceremony stage --restage`,
    );
  }
  return bytes;
}
