import { createHash, type Hash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import type { PublishedRepo } from '../ceremony/published.js';
import type { FileDigests } from './file-digests.js';
import { digestFileNoFollow } from './read-no-follow.js';
import { LISTED_TARGETS_DIR } from './target-listings.js';
import { DELEGATED_TARGETS_DIR } from './target-inputs.js';
import { targetsCustomFile } from './targets-custom.js';

// One digest of everything staging's planning reads: the plan file, the enrolled keys, the
// published repository as loaded, and every file of the target inputs (targets/,
// delegated-targets/, targets-listed/, targets-custom.json), each by its full sha256. Two
// plannings over inputs with the same digest give the same drafts, so a record of what planning
// gave (plan-record.ts) stands in for planning again.

/** The ceremony's files planning reads, beside what loadCeremony already parsed. */
export interface PlanInputs {
  root: string;
  planFile: string;
  keys: readonly EnrolledKey[];
  published: PublishedRepo;
  /** Anything else the planning depends on (tool version, planning time, forced roles). */
  context: readonly string[];
  /** Told the sha256 of each input file hashed (by path), for planning to reuse. */
  onFile?: (path: string, sha256: string) => void;
  /** This machine's digests of unchanged files (file-digests.ts), to skip reading them. */
  digests?: FileDigests;
}

/** Bytes hashed per file: any size (targets of several GiB are hashed as a stream). */
const ANY_SIZE = Number.MAX_SAFE_INTEGER;

type Seen = Pick<PlanInputs, 'onFile' | 'digests'>;

async function addFile(hash: Hash, label: string, file: string, seen: Seen = {}): Promise<void> {
  const known = seen.digests?.lookup(file);
  if (known !== undefined) {
    seen.onFile?.(file, known);
    hash.update(`${label}\0${known}\n`);
    return;
  }
  const at = Date.now();
  const measured = await digestFileNoFollow(file, ANY_SIZE, ['sha256']);
  const sha256 = measured?.digests.sha256;
  if (sha256 !== undefined) {
    seen.onFile?.(file, sha256);
    seen.digests?.remember(file, sha256, at);
  }
  // A file is named by its content alone (its length is part of what sha256 commits to).
  hash.update(`${label}\0${sha256 ?? '-'}\n`);
}

/** Every entry below `dir` in name order: folders, files by content, anything else by kind. */
async function addTree(hash: Hash, dir: string, label: string, seen: Seen = {}): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      hash.update(`${label}\0absent\n`);
      return;
    }
    throw err;
  }
  hash.update(`${label}\0dir\n`);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    // A name from readdir holds no separator: appending it is what join would give, at less cost.
    const path = `${dir}/${entry.name}`;
    const name = `${label}/${entry.name}`;
    if (entry.isDirectory()) await addTree(hash, path, name, seen);
    else if (entry.isFile()) await addFile(hash, name, path, seen);
    else hash.update(`${name}\0other\n`);
  }
}

/** The sha256 of the planning inputs (hex). */
export async function planInputsDigest(inputs: PlanInputs): Promise<string> {
  const hash = createHash('sha256');
  for (const line of inputs.context) hash.update(`context\0${line}\n`);
  await addFile(hash, 'plan', inputs.planFile);
  hash.update(`keys\0${JSON.stringify(inputs.keys)}\n`);
  const { published } = inputs;
  for (const [version, role] of published.roots)
    hash.update(`root\0${version}\0${role.file.sha256}\n`);
  for (const [name, role] of [
    ['timestamp', published.timestamp],
    ['snapshot', published.snapshot],
    ['targets', published.targets],
  ] as const)
    hash.update(`${name}\0${role?.file.sha256 ?? '-'}\n`);
  for (const name of [...published.delegated.keys()].sort())
    hash.update(`delegated\0${name}\0${published.delegated.get(name)?.file.sha256 ?? '-'}\n`);
  await addFile(hash, 'targets-custom', targetsCustomFile(inputs.root));
  for (const folder of ['targets', DELEGATED_TARGETS_DIR, LISTED_TARGETS_DIR])
    await addTree(hash, join(inputs.root, folder), folder, inputs);
  return hash.digest('hex');
}
