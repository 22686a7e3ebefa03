import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../repo/atomic-write.js';
import { editSigningConfigBytes, editTrustedRootBytes } from './documents.js';
import type { TrustedRootVersion } from './media-types.js';
import type { SigningConfigDoc } from './signing-config-model.js';
import type { TrustedRootDoc } from './trusted-root-model.js';

// The standalone `--file` mode: read a document (or start an empty one when the file is missing),
// apply a pure edit, write the result atomically. A failing edit writes nothing.

async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** What an edit of a file did. */
export interface FileEditResult<T> {
  doc: T;
  created: boolean;
  /** False when the edit produced the bytes already on disk (nothing was written). */
  changed: boolean;
}

/** Applies `edit` to a trusted_root.json file, creating it with `createAs` media type when missing. */
export async function editTrustedRootFile(
  path: string,
  createAs: TrustedRootVersion,
  edit: (doc: TrustedRootDoc) => TrustedRootDoc,
): Promise<FileEditResult<TrustedRootDoc>> {
  const before = await readIfPresent(path);
  const result = editTrustedRootBytes(before, createAs, edit, path);
  if (result.changed) await writeFileAtomic(path, result.bytes);
  return { doc: result.doc, created: before === undefined, changed: result.changed };
}

/** Applies `edit` to a signing_config (v0.2) file, creating an empty one when missing. */
export async function editSigningConfigFile(
  path: string,
  edit: (doc: SigningConfigDoc) => SigningConfigDoc,
): Promise<FileEditResult<SigningConfigDoc>> {
  const before = await readIfPresent(path);
  const result = editSigningConfigBytes(before, edit, path);
  if (result.changed) await writeFileAtomic(path, result.bytes);
  return { doc: result.doc, created: before === undefined, changed: result.changed };
}
