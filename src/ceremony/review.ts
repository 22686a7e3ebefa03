import { canonicalString } from '../metadata/canonical.js';
import type {
  AnySigned,
  DelegatedRole,
  Key,
  RootSigned,
  TargetsSigned,
} from '../metadata/model.js';
import { holderOfKey } from './enrolled-key.js';
import { distinctHolders } from './one-vote.js';
import type { StagedDraft } from './staging.js';
import { escapeTerminal } from '../metadata/terminal-text.js';

// A readable review of a staged draft against the published version: what holders must see
// before they sign. Names people (from the key's holder field) rather than keyids where it can.

function keyName(keyid: string, key: Key | undefined): string {
  const holder = key ? holderOfKey(key) : undefined;
  return holder ? `${holder} (${keyid.slice(0, 8)})` : `key ${keyid.slice(0, 8)}`;
}

/** A warning line for every holder who would hold two keys of the role (one holder, one vote). */
function sharedHolderLines(
  label: string,
  keyids: readonly string[],
  keys: Readonly<Record<string, Key>>,
  lines: string[],
): void {
  const count = new Map<string, number>();
  for (const k of keyids) {
    const key = keys[k];
    const holder = key ? holderOfKey(key) : undefined;
    if (holder !== undefined) count.set(holder, (count.get(holder) ?? 0) + 1);
  }
  for (const [holder, n] of count)
    if (n > 1)
      lines.push(`  ! ${label}: ${holder} holds ${n} keys; a holder's signatures count once`);
}

function diffKeys(
  label: string,
  before: { keyids: readonly string[]; threshold: number } | undefined,
  beforeKeys: Readonly<Record<string, Key>>,
  after: { keyids: readonly string[]; threshold: number } | undefined,
  afterKeys: Readonly<Record<string, Key>>,
  lines: string[],
): void {
  if (!before && after) {
    const names = after.keyids.map((k) => keyName(k, afterKeys[k])).join(', ');
    const holders = distinctHolders(after.keyids, afterKeys, new Map()).length;
    lines.push(`  ${label}: ${after.threshold} of ${holders} holders (${names})`);
  }
  if (after) sharedHolderLines(label, after.keyids, afterKeys, lines);
  if (!before) return;
  const old = new Set(before.keyids);
  const now = new Set(after?.keyids ?? []);
  for (const k of now)
    if (!old.has(k)) lines.push(`  + ${label}: ${keyName(k, afterKeys[k])} added`);
  for (const k of old)
    if (!now.has(k)) lines.push(`  - ${label}: ${keyName(k, beforeKeys[k])} removed`);
  if (after && before.threshold !== after.threshold) {
    lines.push(`  ~ ${label}: threshold ${before.threshold} -> ${after.threshold}`);
  }
}

function reviewRoot(before: RootSigned | undefined, after: RootSigned, lines: string[]): void {
  const roles = new Set([...Object.keys(before?.roles ?? {}), ...Object.keys(after.roles)]);
  for (const role of [...roles].sort()) {
    diffKeys(
      `${role} keys`,
      before?.roles[role],
      before?.keys ?? {},
      after.roles[role],
      after.keys,
      lines,
    );
  }
  if ((before?.consistent_snapshot ?? undefined) !== after.consistent_snapshot) {
    lines.push(`  consistent_snapshot: ${String(after.consistent_snapshot ?? false)}`);
  }
}

function describeDelegation(role: DelegatedRole): string {
  const scope = role.paths
    ? `paths ${role.paths.join(', ')}`
    : `hash prefixes ${(role.path_hash_prefixes ?? []).join(', ')}`;
  return `${role.name}: ${role.threshold} of ${role.keyids.length}, ${scope}${role.terminating ? ', terminating' : ''}`;
}

function reviewTargets(
  before: TargetsSigned | undefined,
  after: TargetsSigned,
  lines: string[],
): void {
  const oldTargets = before?.targets ?? {};
  for (const [path, info] of Object.entries(after.targets)) {
    const old = oldTargets[path];
    if (!old)
      lines.push(`  + target ${path} (${info.length} bytes, sha256 ${info.hashes.sha256 ?? '?'})`);
    else if (canonicalString(old) !== canonicalString(info))
      lines.push(
        `  ~ target ${path} changed (${info.length} bytes, sha256 ${info.hashes.sha256 ?? '?'})`,
      );
  }
  for (const path of Object.keys(oldTargets))
    if (!(path in after.targets)) lines.push(`  - target ${path} removed`);
  const oldRoles = new Map((before?.delegations?.roles ?? []).map((r) => [r.name, r]));
  const newRoles = new Map((after.delegations?.roles ?? []).map((r) => [r.name, r]));
  for (const [name, role] of newRoles) {
    const old = oldRoles.get(name);
    if (!old) lines.push(`  + delegation ${describeDelegation(role)}`);
    else if (canonicalString(old) !== canonicalString(role)) {
      lines.push(`  ~ delegation ${describeDelegation(role)}`);
      diffKeys(
        `${name} keys`,
        old,
        before?.delegations?.keys ?? {},
        role,
        after.delegations?.keys ?? {},
        lines,
      );
    }
  }
  for (const name of oldRoles.keys())
    if (!newRoles.has(name)) lines.push(`  - delegation ${name} removed`);
  const oldBins = before?.delegations?.succinct_roles;
  const bins = after.delegations?.succinct_roles;
  if (bins && canonicalString(oldBins ?? null) !== canonicalString(bins)) {
    lines.push(
      `  ~ succinct hash bins: ${bins.name_prefix}-*, ${2 ** bins.bit_length} bins, ${bins.threshold} of ${bins.keyids.length}`,
    );
  }
  if (oldBins && !bins) lines.push('  - succinct hash bins removed');
}

/** Review lines for one staged draft against its published version (or none, for a first version). */
export function reviewDraft(draft: StagedDraft, published: AnySigned | undefined): string[] {
  const after = draft.metadata.signed;
  const lines = [
    `${draft.role} v${after.version}${published ? ` (published: v${published.version})` : ' (first version)'}`,
    `  expires: ${after.expires}${published ? ` (was ${published.expires})` : ''}`,
  ];
  if (after._type === 'root') reviewRoot(published as RootSigned | undefined, after, lines);
  if (after._type === 'targets')
    reviewTargets(published as TargetsSigned | undefined, after, lines);
  lines.push(`  sha256 of the bytes to sign: ${draft.sha256}`);
  // Names come from metadata: a target path with a newline or U+202E must not fake a line.
  return lines.map(escapeTerminal);
}
