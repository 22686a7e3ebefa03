import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestLineOf, parseManifestLine, type ManifestEntry } from '../ceremony/manifest.js';
import { CeremonyError } from '../metadata/errors.js';
import type { TargetFile } from '../metadata/model.js';
import { writeFileAtomic } from './atomic-write.js';
import { forEachLine } from './manifest-reader.js';

// Targets known only by listing (`targets import MANIFEST`): their path, length, hashes and
// custom data, without the bytes. Each targets role's listing is one JSON Lines file,
// targets-listed/<role>.jsonl, sorted by path, in the manifest layout (so it is itself a valid
// manifest). Stage lists these targets like input files; finalize publishes them in metadata
// only (no bytes to copy). An empty file keeps a role whose listed targets were all removed
// staging with no targets, as .gitkeep does for input folders.

/** The folder of every role's listing. */
export const LISTED_TARGETS_DIR = 'targets-listed';

/** The listing file of a targets role (targets, or a plan delegation's name). */
export function listingFile(root: string, role: string): string {
  return join(root, LISTED_TARGETS_DIR, `${role}.jsonl`);
}

/** Roles with a listing file, sorted. */
export async function listedRoles(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(root, LISTED_TARGETS_DIR));
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => n.endsWith('.jsonl') && !n.startsWith('.'))
    .map((n) => n.slice(0, -'.jsonl'.length))
    .sort();
}

/** A role's listed targets by path (sorted), or undefined without a listing file. */
export async function readListing(
  root: string,
  role: string,
): Promise<Map<string, TargetFile> | undefined> {
  const file = listingFile(root, role);
  const out = new Map<string, TargetFile>();
  try {
    await forEachLine(file, (text, line) => {
      const parsed = parseManifestLine('jsonl', text, false);
      if (parsed.kind === 'skip') return;
      if (parsed.kind === 'error' || out.has(parsed.entry.path))
        throw new CeremonyError(
          'STATE_INVALID',
          `${file}: line ${line}: ${parsed.kind === 'error' ? parsed.problem : 'duplicate path'} (the listing is written by tuf-ceremony targets import)`,
        );
      out.set(parsed.entry.path, parsed.entry.file);
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  return out;
}

/**
 * The sha256 of each listed target of a role, read with a light parse (JSON only, no field
 * checks): for deciding which staged targets need no bytes, where the signed draft is the
 * authority and the listing is only compared with it. Undefined without a listing file.
 */
export async function readListedHashes(
  root: string,
  role: string,
): Promise<Map<string, string> | undefined> {
  const out = new Map<string, string>();
  try {
    await forEachLine(listingFile(root, role), (text) => {
      if (text === '') return;
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch {
        return;
      }
      const entry = value as { path?: unknown; hashes?: { sha256?: unknown } } | null;
      if (typeof entry?.path === 'string' && typeof entry.hashes?.sha256 === 'string')
        out.set(entry.path, entry.hashes.sha256);
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  return out;
}

function* listingChunks(targets: ReadonlyMap<string, TargetFile>): Generator<string> {
  const paths = [...targets.keys()].sort();
  let chunk = '';
  for (const path of paths) {
    const entry: ManifestEntry = { path, file: targets.get(path) as TargetFile };
    chunk += `${manifestLineOf(entry)}\n`;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** Writes a role's listing atomically, sorted by path (an empty map leaves an empty file). */
export async function writeListing(
  root: string,
  role: string,
  targets: ReadonlyMap<string, TargetFile>,
): Promise<void> {
  await writeFileAtomic(listingFile(root, role), listingChunks(targets));
}
