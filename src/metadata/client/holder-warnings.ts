import { holderOfKey } from '../holder-field.js';
import type { Key, RoleKeys } from '../model.js';
import { quotedForTerminal } from '../printable.js';

/**
 * Warnings for roles in which the `x-tuf-ceremony-holder` fields show one holder with two keys:
 * the spec counts keyids (5.3.4, 5.4.2, 5.5.3, 5.6.3), so such a role's threshold may be met by
 * fewer people than it says. Advisory: the holder field is a claim, not a proof.
 */
export function sharedHolderWarnings(
  keys: Readonly<Record<string, Key>>,
  roles: Iterable<readonly [string, RoleKeys]>,
  where: string,
): string[] {
  const warnings: string[] = [];
  for (const [role, roleKeys] of roles) {
    const byHolder = new Map<string, string[]>();
    for (const keyid of new Set(roleKeys.keyids)) {
      const key = keys[keyid];
      const holder = key ? holderOfKey(key) : undefined;
      if (holder !== undefined) byHolder.set(holder, [...(byHolder.get(holder) ?? []), keyid]);
    }
    for (const [holder, ids] of byHolder) {
      if (ids.length < 2) continue;
      warnings.push(
        `${where}: holder ${quotedForTerminal(holder)} holds ${ids.length} keys of role ${quotedForTerminal(role)} (${ids.map((k) => `${k.slice(0, 8)}…`).join(', ')}); its threshold of ${roleKeys.threshold} counts keys, so fewer people may meet it`,
      );
    }
  }
  return warnings;
}
