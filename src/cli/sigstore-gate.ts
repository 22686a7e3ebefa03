import { draftFile } from '../repo/ceremony-paths.js';
import { readTargetInput } from '../repo/target-inputs.js';
import type { SmokeTestResult } from '../sigstore/smoke-test.js';
import { requireStaging, type LoadedCeremony } from './ceremony-context.js';

// Sigstore's clients fetch trusted_root.json through TUF and stop working when they cannot parse
// it (Sigstore root-signing issues 294 and 518). A staged targets role that adds or changes it is
// therefore loaded by the real client (@sigstore/tuf) before any holder signs it.

const TRUSTED_ROOT = 'trusted_root.json';

/** What the smoke test of a staged trusted_root.json found. */
export interface StagedTrustedRootCheck {
  sha256: string;
  result: SmokeTestResult;
}

/**
 * Runs the Sigstore client on the staged targets role's trusted_root.json when the ceremony adds
 * or changes it; undefined when it does not. Throws the client's error when it cannot use it.
 */
export async function smokeTestStagedTrustedRoot(
  loaded: LoadedCeremony,
): Promise<StagedTrustedRootCheck | undefined> {
  const draft = requireStaging(loaded).drafts.get('targets');
  if (draft?.metadata.signed._type !== 'targets') return undefined;
  const staged = draft.metadata.signed.targets;
  const entry = staged[TRUSTED_ROOT];
  if (entry === undefined) return undefined;
  const published = loaded.published.targets?.metadata.signed.targets[TRUSTED_ROOT];
  const sha256 = entry.hashes.sha256 ?? '';
  if (published?.hashes.sha256 === sha256 && published.length === entry.length) return undefined;
  const bytes = await readTargetInput(loaded.paths.root, TRUSTED_ROOT, entry);
  // Loaded on demand: the Sigstore client is large and only this step needs it.
  const { smokeTestStagedTargets } = await import('../sigstore/staged-smoke-test.js');
  const result = await smokeTestStagedTargets({
    targets: staged,
    files: new Map([[TRUSTED_ROOT, bytes]]),
    label: `the staged ${draftFile(loaded.paths, 'targets')}`,
  });
  return { sha256, result };
}
