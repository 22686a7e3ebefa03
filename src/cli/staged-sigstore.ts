import type { TargetFile } from '../metadata/model.js';
import { requireStaging, type LoadedCeremony } from './ceremony-context.js';
import { SIGSTORE_TARGET_PATHS } from './commands/sigstore-document.js';

// Which Sigstore documents (trusted_root.json, signing_config.v0.2.json) the staged targets role
// adds or changes against the published targets: what the gate before signing and the review check.

const TRUSTED_ROOT = SIGSTORE_TARGET_PATHS.trusted_root;
const SIGNING_CONFIG = SIGSTORE_TARGET_PATHS.signing_config;

/** The staged targets listing and the published one, for the Sigstore documents. */
export interface StagedSigstoreTargets {
  staged: Readonly<Record<string, TargetFile>>;
  /** Staged entries of the documents that are new or changed against the published targets. */
  changed: Map<string, TargetFile>;
}

/** The staged targets listing and the Sigstore documents it adds or changes (none staged: undefined). */
export function stagedSigstoreTargets(loaded: LoadedCeremony): StagedSigstoreTargets | undefined {
  const draft = requireStaging(loaded).drafts.get('targets');
  if (draft?.metadata.signed._type !== 'targets') return undefined;
  const staged = draft.metadata.signed.targets;
  const published = loaded.published.targets?.metadata.signed.targets ?? {};
  const changed = new Map<string, TargetFile>();
  for (const path of [TRUSTED_ROOT, SIGNING_CONFIG]) {
    const entry = staged[path];
    const before = published[path];
    if (entry === undefined) continue;
    const same =
      before !== undefined &&
      before.hashes.sha256 === entry.hashes.sha256 &&
      before.length === entry.length;
    if (same) continue;
    changed.set(path, entry);
  }
  return { staged, changed };
}
