import { sameJson } from '../metadata/same-json.js';
import type {
  AnySigned,
  DelegatedRole,
  Key,
  RootSigned,
  TargetFile,
  TargetsSigned,
} from '../metadata/model.js';
import { hasOwn } from '../metadata/build-own.js';
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

/** How a review shows target changes: all of them, or counts and the first few paths. */
export interface ReviewOptions {
  /** Show every changed target (`--full`), not only the first few of a large change. */
  full?: boolean;
  /** True for a target known only by listing (published in metadata only, no bytes). */
  listed?: (role: string, path: string) => boolean;
}

/** Target changes shown one by one; a larger change is summarized (counts, first paths). */
export const TARGET_DETAIL = 20;
/** Paths shown of a summarized change. */
export const FIRST_PATHS = 5;

/** Targets a role adds, changes and removes against its published version. */
export interface TargetChanges {
  added: string[];
  changed: string[];
  removed: string[];
  /** Added or changed targets known only by listing. */
  listedOnly: number;
}

function sameTarget(a: TargetFile, b: TargetFile): boolean {
  if (a.length !== b.length || a.custom !== undefined || b.custom !== undefined)
    return sameJson(a, b);
  return sameJson(a.hashes, b.hashes);
}

/** The target changes of a targets-type draft (linear in the number of targets). */
export function targetChanges(
  role: string,
  before: TargetsSigned | undefined,
  after: TargetsSigned,
  listed: ReviewOptions['listed'],
): TargetChanges {
  const oldTargets = before?.targets ?? {};
  const out: TargetChanges = { added: [], changed: [], removed: [], listedOnly: 0 };
  for (const path of Object.keys(after.targets)) {
    const info = after.targets[path] as TargetFile;
    const old = hasOwn(oldTargets, path) ? oldTargets[path] : undefined;
    if (old && sameTarget(old, info)) continue;
    (old ? out.changed : out.added).push(path);
    if (listed?.(role, path)) out.listedOnly++;
  }
  for (const path of Object.keys(oldTargets))
    if (!hasOwn(after.targets, path)) out.removed.push(path);
  return out;
}

function targetLine(mark: string, path: string, info: TargetFile | undefined): string {
  if (!info) return `  - target ${path} removed`;
  const what = mark === '~' ? ' changed' : '';
  return `  ${mark} target ${path}${what} (${info.length} bytes, sha256 ${info.hashes.sha256 ?? '?'})`;
}

/** Lines for a role's target changes: each one, or above TARGET_DETAIL counts and first paths. */
export function targetChangeLines(
  changes: TargetChanges,
  after: TargetsSigned,
  full: boolean,
): string[] {
  const { added, changed, removed } = changes;
  const total = added.length + changed.length + removed.length;
  const lines: string[] = [];
  const detail = full || total <= TARGET_DETAIL;
  if (!detail)
    lines.push(
      `  targets: ${added.length} added, ${changed.length} changed, ${removed.length} removed (first ${FIRST_PATHS} shown; review --full for all)`,
    );
  const shown = detail ? Number.POSITIVE_INFINITY : FIRST_PATHS;
  let n = 0;
  for (const [mark, paths] of [
    ['+', added],
    ['~', changed],
    ['-', removed],
  ] as const) {
    for (const path of paths) {
      if (n++ >= shown) break;
      lines.push(targetLine(mark, path, mark === '-' ? undefined : after.targets[path]));
    }
  }
  if (changes.listedOnly > 0)
    lines.push(
      `  ${changes.listedOnly} target(s) known only by listing: published in metadata only (no bytes copied)`,
    );
  return lines;
}

function reviewTargets(
  role: string,
  before: TargetsSigned | undefined,
  after: TargetsSigned,
  lines: string[],
  options: ReviewOptions,
): void {
  const changes = targetChanges(role, before, after, options.listed);
  lines.push(...targetChangeLines(changes, after, options.full === true));
  const oldRoles = new Map((before?.delegations?.roles ?? []).map((r) => [r.name, r]));
  const newRoles = new Map((after.delegations?.roles ?? []).map((r) => [r.name, r]));
  for (const [name, role] of newRoles) {
    const old = oldRoles.get(name);
    if (!old) lines.push(`  + delegation ${describeDelegation(role)}`);
    else if (!sameJson(old, role)) {
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
  if (bins && !sameJson(oldBins ?? null, bins)) {
    lines.push(
      `  ~ succinct hash bins: ${bins.name_prefix}-*, ${2 ** bins.bit_length} bins, ${bins.threshold} of ${bins.keyids.length}`,
    );
  }
  if (oldBins && !bins) lines.push('  - succinct hash bins removed');
}

/** Review lines for one staged draft against its published version (or none, for a first version). */
export function reviewDraft(
  draft: StagedDraft,
  published: AnySigned | undefined,
  options: ReviewOptions = {},
): string[] {
  const after = draft.metadata.signed;
  const lines = [
    `${draft.role} v${after.version}${published ? ` (published: v${published.version})` : ' (first version)'}`,
    `  expires: ${after.expires}${published ? ` (was ${published.expires})` : ''}`,
  ];
  if (after._type === 'root') reviewRoot(published as RootSigned | undefined, after, lines);
  if (after._type === 'targets')
    reviewTargets(draft.role, published as TargetsSigned | undefined, after, lines, options);
  lines.push(`  sha256 of the bytes to sign: ${draft.sha256}`);
  // Names come from metadata: a target path with a newline or U+202E must not fake a line.
  return lines.map(escapeTerminal);
}

/** Staged bins of one delegation shown one by one; more are summarized together. */
export const BIN_DETAIL = 8;

/**
 * One summary for many staged hash bins of a delegation: how many, their versions and expiry,
 * target counts across them and the first few paths (`--full` reviews each bin instead).
 */
export function reviewBins(
  delegation: string,
  drafts: readonly StagedDraft[],
  published: (role: string) => AnySigned | undefined,
  options: ReviewOptions = {},
): string[] {
  const versions = drafts.map((d) => d.metadata.signed.version);
  const first = drafts[0]?.role ?? '';
  const last = drafts[drafts.length - 1]?.role ?? '';
  const expires = [...new Set(drafts.map((d) => d.metadata.signed.expires))].sort();
  const lines = [
    `${first} … ${last}: ${drafts.length} bins of ${delegation}, v${Math.min(...versions)}${Math.max(...versions) > Math.min(...versions) ? `-v${Math.max(...versions)}` : ''}, expires ${expires.join(', ')}`,
  ];
  let listedOnly = 0;
  let added = 0;
  let changed = 0;
  let removed = 0;
  const sample: string[] = [];
  for (const draft of drafts) {
    const after = draft.metadata.signed as TargetsSigned;
    const before = published(draft.role) as TargetsSigned | undefined;
    const c = targetChanges(draft.role, before, after, options.listed);
    added += c.added.length;
    changed += c.changed.length;
    removed += c.removed.length;
    listedOnly += c.listedOnly;
    for (const [mark, paths] of [
      ['+', c.added],
      ['~', c.changed],
      ['-', c.removed],
    ] as const) {
      for (const path of paths) {
        if (sample.length >= FIRST_PATHS) break;
        sample.push(
          targetLine(mark, path, mark === '-' ? undefined : after.targets[path]).replace(
            'target ',
            `target (${draft.role}) `,
          ),
        );
      }
    }
  }
  lines.push(
    `  targets: ${added} added, ${changed} changed, ${removed} removed across ${drafts.length} bins (first ${FIRST_PATHS} shown; review --full for each bin)`,
    ...sample,
  );
  if (listedOnly > 0)
    lines.push(
      `  ${listedOnly} target(s) known only by listing: published in metadata only (no bytes copied)`,
    );
  lines.push('  sha256 of the bytes to sign: one per bin (review --full lists each)');
  return lines;
}
