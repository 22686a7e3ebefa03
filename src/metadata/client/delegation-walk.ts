import { allBinNames } from '../delegation.js';
import type { Delegations, RoleKeys, TargetsSigned } from '../model.js';
import { verifyRoleSignatures } from '../verify.js';
import { checkThreshold, fail } from './checks.js';
import { sharedHolderWarnings } from './holder-warnings.js';
import { keyidWarnings } from './keyids.js';
import { loadListedRole, type ListedRoleRequest } from './listed-role.js';
import type { ParsedRole } from './parse-role.js';
import type { RoleReport } from './report.js';
import type { MetadataSource } from './source.js';

/** Every targets role reachable from targets, verified, by name. */
export type TargetsTree = ReadonlyMap<string, TargetsSigned>;

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
  top: ParsedRole<'targets'>,
  base: Base,
  warnings: Set<string>,
): Promise<{ tree: TargetsTree; reports: RoleReport[] }> {
  const loaded = new Map<string, ParsedRole<'targets'>>([['targets', top]]);
  const tree = new Map<string, TargetsSigned>([['targets', top.metadata.signed]]);
  const reports: RoleReport[] = [];
  const stack: string[] = ['targets'];
  const entries = Object.keys(base.snapshot.meta).length;
  while (stack.length > 0) {
    const parentName = stack.pop() as string;
    const parent = loaded.get(parentName);
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
        // spec 5.6.7.2: verified again against this delegator's keys (canonical bytes reused).
        const result = verifyRoleSignatures(
          child.name,
          known.canonical,
          known.metadata.signatures,
          delegations.keys,
          child.roleKeys,
        );
        checkThreshold(result, child.name, known.file, `5.6.3: ${parentName}'s keys must sign`);
        continue;
      }
      const { parsed, report } = await loadListedRole(source, {
        ...base,
        name: child.name,
        keys: delegations.keys,
        roleKeys: child.roleKeys,
        delegatedBy: parentName,
      });
      loaded.set(child.name, parsed);
      tree.set(child.name, parsed.metadata.signed);
      reports.push(report);
      next.push(child.name);
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i] as string);
  }
  return { tree, reports };
}
