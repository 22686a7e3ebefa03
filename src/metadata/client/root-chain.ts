import type { RootSigned } from '../model.js';
import { verifyRoleSignatures, type VerificationResult } from '../verify.js';
import { checkThreshold, fail, guarded, tooLarge } from './checks.js';
import { sharedHolderWarnings } from './holder-warnings.js';
import { keyidWarnings, unusableKeyWarnings } from './keyids.js';
import { parseRole } from './parse-role.js';
import type { RootStep } from './report.js';
import { MAX_ROOT_ROTATIONS, type MetadataSource } from './source.js';

/** The root a client trusts after following the chain, with the evidence for each step. */
export interface RootChain {
  /** The trusted root the chain started from. */
  initial: RootSigned;
  root: RootSigned;
  file: string;
  trusted: VerificationResult;
  chain: RootStep[];
}

/** Follows `N.root.json` forward from a trusted root (spec 5.2 and 5.3.1-5.3.8). */
export async function updateRoot(
  trustedRootBytes: Uint8Array,
  trustedRootName: string,
  source: MetadataSource,
  maxLength: number,
  warnings: Set<string>,
): Promise<RootChain> {
  if (trustedRootBytes.length > maxLength) tooLarge('trusted root', trustedRootName, maxLength);
  const first = parseRole(trustedRootBytes, 'root', 'trusted root', trustedRootName);
  let root = first.metadata.signed;
  let file = trustedRootName;
  // spec 5.2: the trusted root is trusted out of band; a client still refuses one that does not
  // carry a threshold of its own root keys (python-tuf does the same).
  const trusted = verifyRoleSignatures(
    'root',
    first.canonical,
    first.metadata.signatures,
    root.keys,
    root.roles.root ?? { keyids: [], threshold: 1 },
  );
  checkThreshold(trusted, `trusted root v${root.version}`, file, '5.2: trusted root self-signed');
  addAll(warnings, keyidWarnings(root.keys, `root v${root.version}`));
  addAll(warnings, rootHolderWarnings(root));
  const chain: RootStep[] = [];
  for (let i = 0; i < MAX_ROOT_ROTATIONS; i++) {
    const version = root.version + 1;
    // spec 5.3.3: root files are always versioned, N.root.json, consistent snapshots or not.
    const next = `${version}.root.json`;
    const role = `root v${version}`;
    const bytes = await guarded(role, next, maxLength, () => source.fetchMetadata(next, maxLength));
    if (bytes === undefined) break;
    if (bytes.length > maxLength) tooLarge(role, next, maxLength);
    const parsed = parseRole(bytes, 'root', role, next);
    const signed = parsed.metadata.signed;
    const sigs = parsed.metadata.signatures;
    const oldKeys = root.roles.root ?? { keyids: [], threshold: 1 };
    const newKeys = signed.roles.root ?? { keyids: [], threshold: 1 };
    // spec 5.3.4: root N+1 must be signed by a threshold of root N's root keys ...
    const oldRoot = verifyRoleSignatures('root', parsed.canonical, sigs, root.keys, oldKeys);
    oldRoot.role = `root v${root.version} keys`;
    checkThreshold(oldRoot, role, next, '5.3.4: a threshold of the old root must sign');
    // spec 5.3.4: ... and by a threshold of its own root keys.
    const newRoot = verifyRoleSignatures('root', parsed.canonical, sigs, signed.keys, newKeys);
    newRoot.role = `root v${version} keys`;
    checkThreshold(newRoot, role, next, '5.3.4: a threshold of the new root must sign');
    // spec 5.3.5: the version must be exactly N+1 (no rollback, no skipped version).
    if (signed.version !== version) {
      fail(
        signed.version < version ? 'VERSION_ROLLBACK' : 'VERSION_MISMATCH',
        role,
        next,
        `version ${signed.version}, expected ${version}`,
        '5.3.5: root N+1 must have version N+1',
      );
    }
    addAll(warnings, keyidWarnings(signed.keys, role));
    addAll(warnings, rootHolderWarnings(signed));
    addAll(warnings, unusableKeyWarnings(newRoot.unusable, role));
    // spec 5.3.6: intermediate roots are not checked for expiry; spec 5.3.8: N+1 is now trusted.
    chain.push({ version, file: next, expires: signed.expires, oldRoot, newRoot });
    root = signed;
    file = next;
  }
  return { initial: first.metadata.signed, root, file, trusted, chain };
}

function addAll(set: Set<string>, items: readonly string[]): void {
  for (const item of items) set.add(item);
}

/** One holder with two keys of a role of this root (advisory, from the holder fields). */
function rootHolderWarnings(root: RootSigned): string[] {
  return sharedHolderWarnings(root.keys, Object.entries(root.roles), `root v${root.version}`);
}
