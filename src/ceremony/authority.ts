import { CeremonyError } from '../metadata/errors.js';
import type { Key, RoleKeys, RootSigned, SuccinctRoles, TargetsSigned } from '../metadata/model.js';
import { isBinName } from '../metadata/delegation.js';
import type { PublishedRepo } from './published.js';
import type { StagedDraft } from './staging.js';

/** Keys and threshold that must sign a staged role, with a label for status output. */
export interface RoleAuthority {
  /** e.g. `new root`, `old root (v1)`, `root v2`, `targets v3`. */
  label: string;
  keys: Readonly<Record<string, Key>>;
  roleKeys: RoleKeys;
}

function rootFor(
  drafts: ReadonlyMap<string, StagedDraft>,
  published: PublishedRepo,
): { signed: RootSigned; label: string } | undefined {
  const draft = drafts.get('root');
  if (draft)
    return {
      signed: draft.metadata.signed as RootSigned,
      label: `new root v${draft.metadata.signed.version}`,
    };
  const root = published.root?.metadata.signed;
  return root ? { signed: root, label: `root v${root.version}` } : undefined;
}

function delegatorsOf(
  drafts: ReadonlyMap<string, StagedDraft>,
  published: PublishedRepo,
): Iterable<TargetsSigned> {
  const out: TargetsSigned[] = [];
  for (const d of drafts.values())
    if (d.metadata.signed._type === 'targets') out.push(d.metadata.signed);
  if (published.targets && !drafts.has('targets')) out.push(published.targets.metadata.signed);
  // A published bin of 16,384 is parsed only when its bytes may hold delegations.
  for (const [name, role] of published.delegated)
    if (!drafts.has(name) && role.withoutDelegations !== true) out.push(role.metadata.signed);
  return out;
}

/** Delegations of every delegator, indexed once: roles by name, succinct bins in order. */
interface DelegationIndex {
  byName: Map<string, { at: number; authority: RoleAuthority }>;
  succinct: { at: number; succinct: SuccinctRoles; authority: RoleAuthority }[];
}

function indexDelegations(delegators: Iterable<TargetsSigned>): DelegationIndex {
  const index: DelegationIndex = { byName: new Map(), succinct: [] };
  let at = 0;
  for (const signed of delegators) {
    const d = signed.delegations;
    at++;
    if (!d) continue;
    for (const r of d.roles ?? [])
      if (!index.byName.has(r.name))
        index.byName.set(r.name, {
          at,
          authority: { label: `delegation in ${roleLabel(signed)}`, keys: d.keys, roleKeys: r },
        });
    if (d.succinct_roles)
      index.succinct.push({
        at,
        succinct: d.succinct_roles,
        authority: {
          label: `succinct bins in ${roleLabel(signed)}`,
          keys: d.keys,
          roleKeys: d.succinct_roles,
        },
      });
  }
  return index;
}

// One index per (drafts, published) pair: status and signing needs ask for every staged role,
// and thousands of bins must not each scan every delegator (quadratic in the number of bins).
const indexes = new WeakMap<object, WeakMap<object, DelegationIndex>>();

function delegationIndex(
  drafts: ReadonlyMap<string, StagedDraft>,
  published: PublishedRepo,
): DelegationIndex {
  let byPublished = indexes.get(drafts);
  if (!byPublished) {
    byPublished = new WeakMap();
    indexes.set(drafts, byPublished);
  }
  let index = byPublished.get(published);
  if (!index) {
    index = indexDelegations(delegatorsOf(drafts, published));
    byPublished.set(published, index);
  }
  return index;
}

/** The first delegator (in delegatorsOf order) that delegates `role` by name or as a bin. */
function findDelegation(role: string, index: DelegationIndex): RoleAuthority | undefined {
  const named = index.byName.get(role);
  const bins = index.succinct.find((s) => isBinName(s.succinct, role));
  if (named && (!bins || named.at <= bins.at)) return named.authority;
  return bins?.authority;
}

function roleLabel(signed: TargetsSigned): string {
  return `targets-type role v${signed.version}`;
}

/**
 * Who must sign a staged role. Spec 5.3.4: a new root needs a threshold of the previous root's
 * root keys AND of its own. Spec 5.6: top-level roles are authorized by the (new) root; spec
 * 5.6.7: a delegated role by the delegating role's delegations.
 */
export function authoritiesFor(
  role: string,
  drafts: ReadonlyMap<string, StagedDraft>,
  published: PublishedRepo,
): RoleAuthority[] {
  if (role === 'root') {
    const draft = drafts.get('root');
    if (!draft) throw new CeremonyError('STATE_INVALID', 'root is not staged');
    const next = draft.metadata.signed as RootSigned;
    const result: RoleAuthority[] = [
      { label: `new root v${next.version}`, keys: next.keys, roleKeys: requireRole(next, 'root') },
    ];
    const old = published.root?.metadata.signed;
    if (old)
      result.push({
        label: `old root v${old.version}`,
        keys: old.keys,
        roleKeys: requireRole(old, 'root'),
      });
    return result;
  }
  if (role === 'targets' || role === 'snapshot' || role === 'timestamp') {
    const root = rootFor(drafts, published);
    if (!root)
      throw new CeremonyError('STATE_INVALID', `${role} cannot be signed before a root exists`);
    return [
      { label: root.label, keys: root.signed.keys, roleKeys: requireRole(root.signed, role) },
    ];
  }
  const delegation = findDelegation(role, delegationIndex(drafts, published));
  if (!delegation) throw new CeremonyError('STATE_INVALID', `no targets role delegates to ${role}`);
  return [delegation];
}

function requireRole(root: RootSigned, role: string): RoleKeys {
  const keys = root.roles[role];
  if (!keys)
    throw new CeremonyError('METADATA_INVALID', `root v${root.version} has no ${role} role`);
  return keys;
}
