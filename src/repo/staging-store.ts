import { readdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CeremonyError } from '../metadata/errors.js';
import { NOT_PLAIN, sortedView } from '../metadata/build-sorted.js';
import { canonicalFormOfView } from '../metadata/canonical.js';
import { signedCanonicalOf } from '../metadata/canonical-scan.js';
import { sha256Hex } from '../metadata/bytes.js';
import { isJsonObject } from '../metadata/json.js';
import type { Metadata } from '../metadata/model.js';
import { checkMetadata, parseJson, parseJsonCanonical } from '../metadata/parse.js';
import { prettyJson, signedEnvelopeJson, unsignedEnvelopeBytes } from '../metadata/serialize.js';
import type { HolderSignatures, StagedCeremony, StagedDraft } from '../ceremony/staging.js';
import { syncDirectory, writeFileAtomic, type FileData } from './atomic-write.js';
import { crashPoint } from './crash-hook.js';
import { writeFilesDurably } from './durable-batch.js';
import { temporaryPath } from './temporary-files.js';
import { draftFile, holderSignatureFile, type CeremonyPaths } from './ceremony-paths.js';
import { readFileNoFollow } from './read-no-follow.js';

/** Everything in the staging area, as read from disk. */
export interface StagingArea {
  ceremony: StagedCeremony;
  drafts: Map<string, StagedDraft>;
  holders: HolderSignatures[];
}

function checkCeremony(value: unknown, file: string): StagedCeremony {
  if (
    !isJsonObject(value) ||
    typeof value.id !== 'string' ||
    typeof value.created !== 'string' ||
    !Array.isArray(value.roles) ||
    !value.roles.every((r) => typeof r === 'string') ||
    !isJsonObject(value.base) ||
    !isJsonObject(value.drafts)
  ) {
    throw new CeremonyError(
      'STATE_INVALID',
      `${file}: must hold {id, created, roles, base, drafts}`,
    );
  }
  return value as unknown as StagedCeremony;
}

function checkHolderSignatures(value: unknown, file: string, holder: string): HolderSignatures {
  const bad = (rule: string): never => {
    throw new CeremonyError('STATE_INVALID', `${file}: ${rule}`);
  };
  if (!isJsonObject(value) || value.holder !== holder || !isJsonObject(value.signatures)) {
    return bad(`must hold {holder: "${holder}", signatures: {...}}`);
  }
  for (const [role, list] of Object.entries(value.signatures)) {
    if (!Array.isArray(list)) return bad(`signatures.${role} must be a list`);
    for (const s of list) {
      if (
        !isJsonObject(s) ||
        typeof s.keyid !== 'string' ||
        typeof s.sig !== 'string' ||
        typeof s.signed_sha256 !== 'string'
      ) {
        bad(`signatures.${role}: each entry needs keyid, sig and signed_sha256`);
      }
    }
  }
  return value as unknown as HolderSignatures;
}

/** Drafts read from files of this size and more take their canonical bytes from the text. */
const LARGE_DRAFT = 1024 * 1024;

/** Targets of a role whose file is about LARGE_DRAFT or more (some 250 bytes per target). */
const LARGE_TARGETS = 4096;

/** True for a targets role listing LARGE_TARGETS targets or more. */
function isLarge(signed: Metadata['signed']): boolean {
  return signed._type === 'targets' && Object.keys(signed.targets).length >= LARGE_TARGETS;
}

/** Turns draft metadata into a StagedDraft, canonicalizing `signed` once. */
export function toDraft(role: string, metadata: Metadata): StagedDraft {
  const view = sortedView(metadata.signed);
  if (view !== NOT_PLAIN && metadata.signatures.length === 0 && isLarge(metadata.signed)) {
    // The draft's file first, then its canonical bytes taken from that text (canonical-scan.ts):
    // one JSON.stringify of the role instead of two, and the file is kept to be written as made.
    // A small draft costs less the plain way (measured: twice as much for a bin of 61 targets).
    const file = unsignedEnvelopeBytes(view);
    const canonical = signedCanonicalOf(file);
    if (canonical !== undefined)
      return { role, metadata, canonical, sha256: sha256Hex(canonical), view, unsignedFile: file };
  }
  const { bytes: canonical } = canonicalFormOfView(metadata.signed, view);
  return { role, metadata, canonical, sha256: sha256Hex(canonical), view };
}

/** Loads the staging area, or undefined when no ceremony is in progress. */
export async function loadStaging(paths: CeremonyPaths): Promise<StagingArea | undefined> {
  const ceremonyBytes = await readFileNoFollow(paths.stagedCeremony);
  if (!ceremonyBytes) return undefined;
  const ceremony = checkCeremony(
    parseJson(ceremonyBytes, paths.stagedCeremony),
    paths.stagedCeremony,
  );
  const drafts = new Map<string, StagedDraft>();
  for (const role of ceremony.roles) {
    const file = draftFile(paths, role);
    const bytes = await readFileNoFollow(file);
    if (!bytes) throw new CeremonyError('FILE_MISSING', `${file}: staged draft is missing`);
    // A large draft's canonical bytes come from its text (canonical-scan.ts); a bin's the plain
    // way (the million's two signs took about 3 s more CPU each with a scan per bin).
    const { value, canonical, laidOut } =
      bytes.length >= LARGE_DRAFT
        ? parseJsonCanonical(bytes, file)
        : { value: parseJson(bytes, file), canonical: undefined, laidOut: false };
    const type = isJsonObject(value) && isJsonObject(value.signed) ? value.signed._type : undefined;
    if (type !== 'root' && type !== 'targets' && type !== 'snapshot' && type !== 'timestamp') {
      throw new CeremonyError('METADATA_INVALID', `${file}: signed._type must be a TUF role type`);
    }
    const metadata = checkMetadata(value, type, file);
    // The draft file's own text gives its canonical bytes, unless it is not canonical but for
    // whitespace (canonical-scan.ts); its file is then laid out again when it is written.
    const draft: StagedDraft =
      canonical === undefined
        ? toDraft(role, metadata)
        : { role, metadata, canonical, sha256: sha256Hex(canonical) };
    // Laid out: exactly the writer's file of an empty signatures array and `signed` alone.
    if (laidOut) draft.unsignedFile = bytes;
    const staged = ceremony.drafts[role];
    if (draft.sha256 !== staged) {
      throw new CeremonyError(
        'STATE_INVALID',
        `${file}: changed after staging (sha256 ${draft.sha256.slice(0, 16)}…, staged ${String(staged).slice(0, 16)}…); drafts change only through tuf-ceremony stage --restage`,
      );
    }
    drafts.set(role, draft);
  }
  const holders: HolderSignatures[] = [];
  let names: string[] = [];
  try {
    names = (await readdir(paths.signatures)).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
  }
  for (const name of names) {
    const holder = name.slice(0, -'.json'.length);
    const file = holderSignatureFile(paths, holder);
    const bytes = await readFileNoFollow(file);
    if (bytes === undefined) continue;
    holders.push(checkHolderSignatures(parseJson(bytes, file), file, holder));
  }
  return { ceremony, drafts, holders };
}

/**
 * Each draft's file and text, made only when the batch writes it: one file's text alive at a
 * time instead of every draft's (16,384 bins: about 400 MB of text held at once otherwise). A
 * large draft's file made with its canonical bytes (toDraft) is written as it is.
 */
function* draftFileTexts(
  paths: CeremonyPaths,
  drafts: readonly StagedDraft[],
): Generator<readonly [string, FileData]> {
  for (const draft of drafts) {
    yield [
      draftFile(paths, draft.role),
      draft.unsignedFile ?? signedEnvelopeJson([], draft.metadata.signed, draft.view ?? NOT_PLAIN),
    ] as const;
  }
}

/**
 * Writes the drafts first (renamed into place, or written in place into a new staged/ folder;
 * one sync for all) and ceremony.json last, so a crash never leaves a ceremony without drafts.
 */
export async function writeStaging(
  paths: CeremonyPaths,
  ceremony: StagedCeremony,
  drafts: readonly StagedDraft[],
  onDraft?: (total: number) => void,
): Promise<void> {
  await writeFilesDurably(paths.staged, draftFileTexts(paths, drafts), {
    // Listed only by ceremony.json, written after them.
    unreferenced: true,
    ...(onDraft
      ? {
          onFile: () => {
            onDraft(drafts.length);
          },
        }
      : {}),
  });
  await writeFileAtomic(paths.stagedCeremony, prettyJson(ceremony));
}

/** Writes one holder's signature file atomically. */
export async function writeHolderSignatures(
  paths: CeremonyPaths,
  file: HolderSignatures,
): Promise<void> {
  await writeFileAtomic(holderSignatureFile(paths, file.holder), prettyJson(file));
}

/**
 * Removes the staging area (after a finalize has been published and recorded) in one step: the
 * folder is renamed to a temporary name first, so a kill never leaves part of it (old signatures
 * would show up as stale in the next ceremony); the next command removes what is left.
 */
export async function clearStaging(paths: CeremonyPaths): Promise<void> {
  const trash = temporaryPath(dirname(paths.staged), paths.staged);
  try {
    await rename(paths.staged, trash);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return;
    throw err;
  }
  await syncDirectory(dirname(paths.staged));
  crashPoint('finalize:mid-clear');
  await rm(trash, { recursive: true, force: true });
}
