import { CeremonyError } from '../metadata/errors.js';
import type { Key, RoleKeys, RootSigned, TargetsSigned } from '../metadata/model.js';
import { allBinNames } from '../metadata/delegation.js';
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
  for (const [name, role] of published.delegated)
    if (!drafts.has(name)) out.push(role.metadata.signed);
  return out;
}

function findDelegation(
  role: string,
  delegators: Iterable<TargetsSigned>,
): RoleAuthority | undefined {
  for (const signed of delegators) {
    const d = signed.delegations;
    if (!d) continue;
    const match = d.roles?.find((r) => r.name === role);
    if (match)
      return { label: `delegation in ${roleLabel(signed)}`, keys: d.keys, roleKeys: match };
    if (d.succinct_roles && allBinNames(d.succinct_roles).includes(role)) {
      return {
        label: `succinct bins in ${roleLabel(signed)}`,
        keys: d.keys,
        roleKeys: d.succinct_roles,
      };
    }
  }
  return undefined;
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
  const delegation = findDelegation(role, delegatorsOf(drafts, published));
  if (!delegation) throw new CeremonyError('STATE_INVALID', `no targets role delegates to ${role}`);
  return [delegation];
}

function requireRole(root: RootSigned, role: string): RoleKeys {
  const keys = root.roles[role];
  if (!keys)
    throw new CeremonyError('METADATA_INVALID', `root v${root.version} has no ${role} role`);
  return keys;
}
