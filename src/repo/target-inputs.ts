import type { Dirent } from 'node:fs';
import { readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { hasOwn, setOwn } from '../metadata/build-own.js';
import { targetFileFor, checkTargetPath } from '../metadata/build-targets.js';
import { CeremonyError } from '../metadata/errors.js';
import type { SuccinctRoles, TargetFile } from '../metadata/model.js';
import { copyFileAtomic, writeFileAtomic } from './atomic-write.js';
import { targetFileOf } from './target-file-hash.js';
import { isTemporaryName } from './temporary-files.js';
import { readTargetsCustom, targetsCustomFile } from './targets-custom.js';
import { listedRoles, listedTargets, listingFile } from './target-listings.js';

// The target files a ceremony publishes live in the ceremony repository: the top-level targets
// role's in targets/, a delegated role's in delegated-targets/<delegation>/ (target path = path
// below the folder); custom metadata per path lives in targets-custom.json. Stage lists them;
// finalize publishes exactly the bytes that were hashed.

export { readTargetsCustom } from './targets-custom.js';

/** The folder holding every delegated role's inputs. */
export const DELEGATED_TARGETS_DIR = 'delegated-targets';

/** Where target inputs of the top-level targets role live in a ceremony repository. */
export function targetInputPaths(root: string): { dir: string; custom: string } {
  return { dir: join(root, 'targets'), custom: targetsCustomFile(root) };
}

/** The input folder of a targets role: `targets` (top-level) or a plan delegation's name. */
export function roleInputDir(root: string, role: string): string {
  return role === 'targets' ? join(root, 'targets') : join(root, DELEGATED_TARGETS_DIR, role);
}

async function walk(dir: string, base: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    // A killed write's temporary file is never an input (it would be published as a target).
    if (isTemporaryName(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, base, out);
    else if (entry.isFile() && entry.name !== '.gitkeep')
      out.push(relative(base, path).split(sep).join('/'));
  }
}

/** Target paths below an input folder, sorted, or undefined when the folder does not exist. */
export async function listInputPaths(dir: string): Promise<string[] | undefined> {
  const paths: string[] = [];
  try {
    await walk(dir, dir, paths);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  return paths.sort();
}

/** Every input of one folder as a TargetFile (length, sha256, custom), or undefined without it. */
export async function readInputFolder(
  dir: string,
  custom: Readonly<Record<string, unknown>>,
): Promise<Record<string, TargetFile> | undefined> {
  const paths = await listInputPaths(dir);
  if (paths === undefined) return undefined;
  const out: Record<string, TargetFile> = {};
  for (const path of paths) {
    checkTargetPath(path);
    const extra = hasOwn(custom, path) ? custom[path] : undefined;
    setOwn(out, path, await targetFileOf(join(dir, path), extra));
  }
  return out;
}

/**
 * A role's inputs: its folder's files and its listed targets (targets-listed/<role>.jsonl); a
 * path in both is refused (which bytes would clients get?). Undefined when the role has neither.
 */
async function withListing(
  root: string,
  role: string,
  fromFolder: Record<string, TargetFile> | undefined,
  succinct?: SuccinctRoles,
): Promise<Record<string, TargetFile> | undefined> {
  const listing = await listedTargets(root, role, succinct);
  if (listing === undefined) return fromFolder;
  const out = fromFolder ?? {};
  const folder = fromFolder !== undefined;
  for (const [path, file] of listing) {
    if (folder && hasOwn(out, path))
      throw new CeremonyError(
        'STATE_INVALID',
        `${listingFile(root, role)}: lists ${JSON.stringify(path)}, which is also a file in ${roleInputDir(root, role)}; remove one`,
      );
    setOwn(out, path, file);
  }
  return out;
}

/** Every target input of the top-level targets role, or undefined without targets/ or a listing. */
export async function readTargetInputs(
  root: string,
): Promise<Record<string, TargetFile> | undefined> {
  const files = await readInputFolder(targetInputPaths(root).dir, await readTargetsCustom(root));
  return withListing(root, 'targets', files);
}

/**
 * The inputs of every delegation that has a folder in delegated-targets/, by delegation name;
 * a folder no plan delegation is named after is an error (its files would never be published).
 */
export async function readDelegatedTargetInputs(
  root: string,
  delegations: readonly string[],
  options: {
    /** The bins delegations (their listing may be kept per bin). */
    succinct?: ReadonlyMap<string, SuccinctRoles>;
    /** Delegations whose inputs are read bin by bin instead (bin-inputs.ts): skipped here. */
    binByBin?: ReadonlySet<string>;
  } = {},
): Promise<Map<string, Record<string, TargetFile>>> {
  const base = join(root, DELEGATED_TARGETS_DIR);
  const out = new Map<string, Record<string, TargetFile>>();
  const listed = (await listedRoles(root)).filter((r) => r !== 'targets');
  for (const role of listed) {
    if (!delegations.includes(role))
      throw new CeremonyError(
        'STATE_INVALID',
        `${listingFile(root, role)}: not the listing of a delegation in ceremony.yaml (delegations: ${delegations.join(', ') || 'none'})`,
      );
  }
  let entries: Dirent[];
  try {
    entries = await readdir(base, { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
    entries = [];
  }
  const custom = await readTargetsCustom(root);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if ((entry.isFile() && entry.name === '.gitkeep') || isTemporaryName(entry.name)) continue;
    if (!entry.isDirectory() || !delegations.includes(entry.name)) {
      throw new CeremonyError(
        'STATE_INVALID',
        `${join(base, entry.name)}: not the input folder of a delegation in ceremony.yaml (delegations: ${delegations.join(', ') || 'none'})`,
      );
    }
    const inputs = await readInputFolder(join(base, entry.name), custom);
    if (inputs !== undefined) out.set(entry.name, inputs);
  }
  for (const role of listed) {
    if (options.binByBin?.has(role)) continue;
    const inputs = await withListing(root, role, out.get(role), options.succinct?.get(role));
    if (inputs !== undefined) out.set(role, inputs);
  }
  return out;
}

function missingInput(file: string): CeremonyError {
  return new CeremonyError(
    'FILE_MISSING',
    `${file}: a staged target input is missing; restore it or run tuf-ceremony stage --restage`,
  );
}

/** spec 5.7.3: a client accepts only the length and hashes the signed role lists. */
function checkStaged(file: string, length: number, sha256: string, expected: TargetFile): void {
  if (length !== expected.length || sha256 !== expected.hashes.sha256) {
    throw new CeremonyError(
      'HASH_MISMATCH',
      `${file}: changed since it was staged (sha256 ${sha256.slice(0, 16)}…, staged ${expected.hashes.sha256?.slice(0, 16) ?? ''}…); run tuf-ceremony stage --restage`,
    );
  }
}

/**
 * The bytes of a target input of `role` (default the top-level targets role), checked against
 * the length and sha256 a draft lists (for small files such as trusted_root.json).
 */
export async function readTargetInput(
  root: string,
  path: string,
  expected: TargetFile,
  role = 'targets',
): Promise<Uint8Array> {
  const file = join(roleInputDir(root, role), path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
    throw missingInput(file);
  }
  const actual = targetFileFor(bytes);
  checkStaged(file, actual.length, actual.hashes.sha256 ?? '', expected);
  return bytes;
}

/**
 * Checks a target input of `role` against the length and sha256 a draft lists, hashing it as a
 * stream (before anything is published, so a changed input writes nothing).
 */
export async function checkTargetInput(
  root: string,
  path: string,
  expected: TargetFile,
  role: string,
): Promise<void> {
  const file = join(roleInputDir(root, role), path);
  let actual: TargetFile;
  try {
    actual = await targetFileOf(file);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw missingInput(file);
    throw err;
  }
  checkStaged(file, actual.length, actual.hashes.sha256 ?? '', expected);
}

/**
 * Copies a target input of `role` to `dest` as a stream, checking the bytes copied against the
 * length and sha256 a draft lists before they land (targets may be several GiB).
 */
export async function publishTargetInput(
  root: string,
  path: string,
  expected: TargetFile,
  role: string,
  dest: string,
): Promise<void> {
  const file = join(roleInputDir(root, role), path);
  try {
    await copyFileAtomic(file, dest, (c) => {
      checkStaged(file, c.length, c.sha256, expected);
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw missingInput(file);
    throw err;
  }
}

/** The roles (of `roles`) whose input folder holds a file at the target path. */
export async function rolesWithInput(
  root: string,
  roles: readonly string[],
  path: string,
): Promise<string[]> {
  const found: string[] = [];
  for (const role of roles) {
    try {
      if ((await stat(join(roleInputDir(root, role), path))).isFile()) found.push(role);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    }
  }
  return found;
}

/**
 * Removes one target input of a role, and the folders it leaves empty; a role folder left with
 * no input keeps a .gitkeep, so the role still stages with no targets (instead of carrying its
 * published ones over) in every clone.
 */
export async function removeTargetInput(root: string, role: string, path: string): Promise<void> {
  const top = roleInputDir(root, role);
  await rm(join(top, path));
  for (let dir = dirname(join(top, path)); dir !== top; dir = dirname(dir)) {
    if ((await readdir(dir)).length > 0) break;
    await rmdir(dir);
  }
  if ((await listInputPaths(top))?.length === 0) await writeFileAtomic(join(top, '.gitkeep'), '');
}
