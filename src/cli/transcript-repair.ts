import { relative } from 'node:path';
import { unrecordedSignatures, type UnrecordedSignature } from '../ceremony/signature-events.js';
import type { StagingArea } from '../repo/staging-store.js';
import { loadStaging } from '../repo/staging-store.js';
import { ceremonyPaths, holderSignatureFile, type CeremonyPaths } from '../repo/ceremony-paths.js';
import { pathExists } from '../repo/path-exists.js';
import { ceremonyLogDir, readTranscript } from '../repo/transcript-store.js';
import type { CommandContext } from './command.js';
import type { LoadedCeremony } from './ceremony-context.js';
import { recordEvent } from './transcript.js';

// A signature saved by a `sign` that was killed before it appended its transcript event is
// recorded by the next command that writes (sign, stage, finalize), marked `recovered`; until
// then `log verify` fails on it.

/** The staged signatures the open ceremony's transcript does not record. */
export async function stagedWithoutEvent(
  paths: CeremonyPaths,
  staging: StagingArea,
): Promise<UnrecordedSignature[]> {
  const dir = ceremonyLogDir(paths.root, staging.ceremony.id);
  const events = (await pathExists(dir)) ? (await readTranscript(dir)).events : [];
  return unrecordedSignatures(staging.holders, events);
}

/** Records every staged signature that lacks its event, saying so; returns how many. */
export async function repairSignatureEvents(
  ctx: CommandContext,
  loaded: LoadedCeremony,
): Promise<number> {
  const staging = loaded.staging;
  if (!staging) return 0;
  const missing = await stagedWithoutEvent(loaded.paths, staging);
  for (const s of missing) {
    const file = relative(loaded.paths.root, holderSignatureFile(loaded.paths, s.holder));
    await recordEvent(loaded.paths, s.holder, ctx.now(), 'signature.added', staging.ceremony.id, {
      holder: s.holder,
      role: s.role,
      keyid: s.keyid,
      signed_sha256: s.signed_sha256,
      counts_for: [],
      recovered: `from ${file}: an interrupted sign saved it without its event`,
    });
    ctx.err(
      `recorded ${s.holder}'s signature of ${s.role} (key ${s.keyid.slice(0, 8)}) in the transcript: an interrupted sign had saved it without its event`,
    );
  }
  return missing.length;
}

/**
 * For `log verify`: one problem per staged signature of the ceremony repository at `root`
 * (when a ceremony is staged there) that its transcript does not record.
 */
export async function unrecordedSignatureProblems(root: string): Promise<string[]> {
  const paths = ceremonyPaths(root);
  if (!(await pathExists(paths.stagedCeremony))) return [];
  const staging = await loadStaging(paths);
  if (!staging) return [];
  return (await stagedWithoutEvent(paths, staging)).map(
    (s) =>
      `${relative(root, holderSignatureFile(paths, s.holder))}: ${s.holder}'s signature of ${s.role} (key ${s.keyid.slice(0, 8)}) has no signature.added event in ceremony-logs/${staging.ceremony.id} (an interrupted sign; the next sign, stage or finalize records it)`,
  );
}
