import type { RootSigned } from '../model.js';
import { escapeUntrusted } from '../terminal-text.js';
import { formatExpiry } from '../time.js';

/** Most orphaned snapshot entries a warning names. */
const MAX_NAMED = 20;
import { checkExpiry, fail } from './checks.js';
import { walkDelegations } from './delegation-walk.js';
import { loadListedRole } from './listed-role.js';
import type { RoleReport, TargetReport, VerifyReport } from './report.js';
import { updateRoot } from './root-chain.js';
import { DEFAULT_LIMITS, type MetadataSource, type SizeLimits } from './source.js';
import { listedTargetOfFile, verifyTarget, verifyTargetFile } from './target-file.js';
import { loadSnapshot, loadTimestamp, type PreviousMetadata } from './timestamp-snapshot.js';
import { authorityDigests, type VerifiedRoles } from './verified-roles.js';

/** Inputs of one verification. */
export interface VerifyOptions {
  /** Bytes of the root the client trusts out of band (e.g. 1.root.json). */
  trustedRoot: Uint8Array;
  /** Name of the trusted root in messages; defaults to `trusted root.json`. */
  trustedRootName?: string;
  source: MetadataSource;
  /** Reference time of the expiry checks, epoch milliseconds. */
  now: number;
  /** Target paths to find through the delegation tree and check byte for byte. */
  targets?: readonly string[];
  /**
   * Files under targets/ (as named there, e.g. `docs/<sha256>.a.txt`) each checked byte for
   * byte against the listed target it must be a name of.
   */
  targetFiles?: readonly string[];
  /** Files under targets/ that are gone: none may be a name of a listed target. */
  removedTargetFiles?: readonly string[];
  /** A previously trusted timestamp and snapshot, for the rollback checks of spec 5.4.3 / 5.5.5. */
  previous?: PreviousMetadata;
  limits?: Partial<SizeLimits>;
  /** Told after each delegated role is verified: how many, of how many snapshot lists. */
  onRole?: (done: number, total: number) => void;
  /**
   * Targets roles this machine verified before (see verified-roles.ts): unchanged bytes under the
   * same authority skip the parse and the signature check, and roles verified in full are added.
   * Only finalize passes it; `verify`, `publish --check` and interop checks never do.
   */
  verifiedRoles?: VerifiedRoles;
}

/**
 * Runs the TUF client workflow (spec section 5) against a repository: root chain, timestamp,
 * snapshot, targets, every delegated role reachable from targets, then the requested targets.
 * Throws CeremonyError naming the role, the rule and the file at the first failed check.
 */
export async function verifyRepository(options: VerifyOptions): Promise<VerifyReport> {
  const { source, now } = options;
  const limits: SizeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const warnings = new Set<string>();
  const chain = await updateRoot(
    options.trustedRoot,
    options.trustedRootName ?? 'trusted root.json',
    source,
    limits.root,
    warnings,
  );
  const root = chain.root;
  const rootLabel = `root v${root.version}`;
  // spec 5.3.10: the final root must not be expired (intermediate roots are not checked).
  checkExpiry(root.expires, now, rootLabel, chain.file, '5.3.10: the final root must not expire');
  const last = chain.chain[chain.chain.length - 1];
  const rootReport: RoleReport = {
    name: 'root',
    file: chain.file,
    version: root.version,
    expires: root.expires,
    result: last ? last.newRoot : chain.trusted,
    delegatedBy: 'root',
  };
  const previous = keptPrevious(chain.initial, root, options.previous ?? {});
  const timestamp = await loadTimestamp(source, root, limits, now, previous);
  const snapshot = await loadSnapshot(source, root, timestamp.parsed, limits, now, previous);
  const consistentSnapshot = root.consistent_snapshot === true;
  const base = {
    snapshot: snapshot.parsed.metadata.signed,
    snapshotFile: snapshot.parsed.file,
    consistentSnapshot,
    now,
    sizeLimit: { fallback: limits.metadata, cap: limits.maxMetadata },
    ...(options.verifiedRoles
      ? { verified: { roles: options.verifiedRoles, authority: authorityDigests() } }
      : {}),
  };
  const targets = await loadListedRole(source, {
    ...base,
    name: 'targets',
    keys: root.keys,
    roleKeys: root.roles.targets ?? { keyids: [], threshold: 1 },
    delegatedBy: 'root',
  });
  const walk = await walkDelegations(source, targets.loaded, base, warnings, options.onRole);
  // Entries of snapshot that no targets role delegates are not part of the repository.
  const orphans = Object.keys(base.snapshot.meta).filter(
    (file) => !walk.tree.has(file.replace(/\.json$/, '')),
  );
  if (orphans.length > 0) {
    const named = orphans.slice(0, MAX_NAMED).map((file) => escapeUntrusted(file, 128));
    const more = orphans.length > MAX_NAMED ? ` and ${orphans.length - MAX_NAMED} more` : '';
    warnings.add(
      `snapshot v${base.snapshot.version} lists roles no targets role delegates (ignored): ${named.join(', ')}${more}`,
    );
  }
  const checked: TargetReport[] = [];
  for (const path of options.targets ?? []) {
    checked.push(await verifyTarget(source, walk.tree, path, consistentSnapshot));
  }
  for (const file of options.targetFiles ?? []) {
    checked.push(await verifyTargetFile(source, walk.tree, file, consistentSnapshot));
  }
  for (const file of options.removedTargetFiles ?? []) {
    const listed = listedTargetOfFile(walk.tree, file, consistentSnapshot);
    // spec 5.7.3: a client fetches every listed target by these names; none may be missing.
    if (listed !== undefined) {
      fail(
        'FILE_MISSING',
        `target listed by ${listed.role}`,
        `targets/${file}`,
        'removed, yet a trusted targets role still lists it',
        '5.7.3: fetch the target',
      );
    }
  }
  return {
    at: formatExpiry(now),
    root: {
      version: root.version,
      expires: root.expires,
      file: chain.file,
      consistentSnapshot,
      trusted: chain.trusted,
      chain: chain.chain,
    },
    roles: [rootReport, timestamp.report, snapshot.report, targets.report, ...walk.reports],
    targets: checked,
    warnings: [...warnings],
  };
}

function sameKeys(a: RootSigned, b: RootSigned, role: string): boolean {
  const x = a.roles[role]?.keyids ?? [];
  const y = new Set(b.roles[role]?.keyids ?? []);
  return x.length === y.size && x.every((k) => y.has(k));
}

/**
 * Spec 5.3.11: when the timestamp or snapshot keys rotated along the root chain, the previously
 * trusted timestamp and snapshot are discarded (recovery from a fast-forward attack).
 */
function keptPrevious(
  initial: RootSigned,
  final: RootSigned,
  previous: PreviousMetadata,
): PreviousMetadata {
  const rotated = !sameKeys(initial, final, 'timestamp') || !sameKeys(initial, final, 'snapshot');
  return rotated ? {} : previous;
}
