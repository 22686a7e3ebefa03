import { allBinNames } from '../delegation.js';
import type { Delegations, Key, RoleKeys } from '../model.js';
import { verifyRoleSignatures } from '../verify.js';
import { checkThreshold, fail } from './checks.js';
import { sharedHolderWarnings } from './holder-warnings.js';
import { keyidWarnings } from './keyids.js';
import {
  loadListedRole,
  type ListedRoleRequest,
  type LoadedTargets,
  type VerifiedRolesUse,
} from './listed-role.js';
import { parseRole } from './parse-role.js';
import type { RoleReport } from './report.js';
import type { MetadataSource } from './source.js';
import { VerifiedTargetsTree, type TargetsTree } from './targets-tree.js';
import { verifiedRoleKey } from './verified-roles.js';

type Base = Omit<ListedRoleRequest, 'name' | 'keys' | 'roleKeys' | 'delegatedBy'>;

function children(
  delegations: Delegations,
  parentName: string,
  parentFile: string,
  snapshotEntries: number,
): { name: string; roleKeys: RoleKeys }[] {
  const succinct = delegations.succinct_roles;
  if (succinct) {
    const bins = 2 ** succinct.bit_length;
    // TAP 15: every bin file must be listed in snapshot; refuse before naming 2^bit_length bins.
    if (bins > snapshotEntries) {
      fail(
        'FILE_MISSING',
        parentName,
        parentFile,
        `delegates ${bins} hash bins but snapshot lists only ${snapshotEntries} files`,
        'TAP 15: every bin must exist',
      );
    }
    // TAP 15: every bin of a succinct delegation is a role, and every bin file must exist.
    const roleKeys = { keyids: succinct.keyids, threshold: succinct.threshold };
    return allBinNames(succinct).map((name) => ({ name, roleKeys }));
  }
  return (delegations.roles ?? []).map((r) => ({
    name: r.name,
    roleKeys: { keyids: r.keyids, threshold: r.threshold },
  }));
}

/**
 * Spec 5.6.7: loads every delegated role reachable from targets (a role's delegations in listed
 * order, before deeper ones), each file once;
 * a role delegated by two roles must carry a threshold of each delegator's keys.
 */
export async function walkDelegations(
  source: MetadataSource,
  top: LoadedTargets,
  base: Base,
  warnings: Set<string>,
  onRole?: (done: number, total: number) => void,
): Promise<{ tree: TargetsTree; reports: RoleReport[] }> {
  const loaded = new Map<string, LoadedTargets>([['targets', top]]);
  const tree = new VerifiedTargetsTree();
  addToTree(tree, 'targets', top);
  const reports: RoleReport[] = [];
  const stack: string[] = ['targets'];
  const entries = Object.keys(base.snapshot.meta).length;
  while (stack.length > 0) {
    const parentName = stack.pop() as string;
    // A role taken on the record has no delegations (only such roles are recorded).
    const parent = loaded.get(parentName)?.parsed;
    const delegations = parent?.metadata.signed.delegations;
    if (delegations === undefined) continue;
    for (const w of keyidWarnings(delegations.keys, `${parentName} delegations`)) warnings.add(w);
    const delegated: [string, RoleKeys][] = (delegations.roles ?? []).map((r) => [r.name, r]);
    if (delegations.succinct_roles)
      delegated.push([`${delegations.succinct_roles.name_prefix}-*`, delegations.succinct_roles]);
    const where = `${parentName} delegations`;
    for (const w of sharedHolderWarnings(delegations.keys, delegated, where)) warnings.add(w);
    const next: string[] = [];
    const file = parent?.file ?? parentName;
    for (const child of children(delegations, parentName, file, entries)) {
      const known = loaded.get(child.name);
      if (known !== undefined) {
        const by = { name: parentName, keys: delegations.keys, roleKeys: child.roleKeys };
        const again = checkAgain(known, child.name, by, base.verified);
        if (again !== known) {
          loaded.set(child.name, again);
          addToTree(tree, child.name, again);
        }
        continue;
      }
      const { loaded: role, report } = await loadListedRole(source, {
        ...base,
        name: child.name,
        keys: delegations.keys,
        roleKeys: child.roleKeys,
        delegatedBy: parentName,
      });
      loaded.set(child.name, role);
      addToTree(tree, child.name, role);
      reports.push(report);
      onRole?.(reports.length, entries);
      next.push(child.name);
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i] as string);
  }
  return { tree, reports };
}

function addToTree(tree: VerifiedTargetsTree, name: string, role: LoadedTargets): void {
  if (role.parsed) tree.set(name, role.parsed.metadata.signed);
  else tree.setRecorded(name, role.recorded.bytes, role.recorded.file);
}

/**
 * Spec 5.6.7.2: a role another delegator already delegated must carry a threshold of this
 * delegator's keys too (canonical bytes reused). A role taken on the record stands when the
 * record holds it under this authority as well; otherwise it is parsed and checked in full.
 */
function checkAgain(
  known: LoadedTargets,
  name: string,
  by: { name: string; keys: Readonly<Record<string, Key>>; roleKeys: RoleKeys },
  verified: VerifiedRolesUse | undefined,
): LoadedTargets {
  const rule = `5.6.3: ${by.name}'s keys must sign`;
  let parsed = known.parsed;
  if (known.recorded) {
    const { bytes, file, sha256 } = known.recorded;
    const authority = verified?.authority(by.keys, by.roleKeys);
    if (authority !== undefined && verified?.roles.get(verifiedRoleKey(name, sha256, authority)))
      return known;
    parsed = parseRole(bytes(), 'targets', name, file);
  }
  if (parsed === undefined) return known;
  const result = verifyRoleSignatures(
    name,
    parsed.canonical,
    parsed.metadata.signatures,
    by.keys,
    by.roleKeys,
  );
  checkThreshold(result, name, parsed.file, rule);
  return parsed === known.parsed ? known : { parsed };
}
