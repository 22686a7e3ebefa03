import type { AuthorityCheck, CeremonyStatus } from '../ceremony/status.js';
import { CeremonyError } from '../metadata/errors.js';
import type { CeremonyStatusView, RoleStatusView } from './status-view.js';

function counted(check: AuthorityCheck) {
  return {
    threshold: check.result.threshold,
    validSigners: [...check.signedBy],
    missing: [...check.missingHolders],
    validKeys: check.holdersCounted,
  };
}

/**
 * Adapts the ceremony core's status (`ceremonyStatus` in src/ceremony/status.ts) to the view
 * publishing renders. For root the first check is the new root's and an `old root` check, when
 * present, is the previous root's (spec 5.3.4: both thresholds must be met).
 */
export function statusViewFrom(status: CeremonyStatus): CeremonyStatusView {
  const roles = status.roles.map((r): RoleStatusView => {
    const [own, ...others] = r.checks;
    if (own === undefined) {
      throw new CeremonyError('STATE_INVALID', `staged ${r.role} has no signing authority`);
    }
    const old = r.role === 'root' ? others.find((c) => c.label.startsWith('old root')) : undefined;
    const view: RoleStatusView = {
      name: r.role,
      version: r.version,
      expires: r.expires,
      sha256: r.sha256,
      stale: [...new Set(r.stale.map((s) => s.holder))],
      ...counted(own),
    };
    if (old !== undefined) view.rootOld = counted(old);
    return view;
  });
  return { ceremonyId: status.id, roles, ready: status.ready };
}
