import { RESTAGE_ADVICE } from './plan-drift.js';
import type { AuthorityCheck, CeremonyStatus } from '../ceremony/status.js';
import { escapeTerminal } from '../metadata/terminal-text.js';

/** One authority's count, per holder: `new root v2: 1 of threshold 2 holders signed (...)`. */
export function checkLine(check: AuthorityCheck): string {
  const missing = check.met ? '' : `; missing: ${check.missingHolders.join(', ') || 'none'}`;
  const keys = check.result.signed.length;
  const once =
    keys > check.holdersCounted ? `; ${keys} valid signatures, a holder's keys count once` : '';
  return `${check.label}: ${check.holdersCounted} of threshold ${check.result.threshold} holders signed (signed: ${check.signedBy.join(', ') || 'nobody yet'}${missing}${once})`;
}

/** Lines saying the staged drafts no longer follow the plan (none when `drift` is empty). */
export function driftLines(drift: readonly string[]): string[] {
  if (drift.length === 0) return [];
  return [
    'the plan changed after staging; the staged drafts are not what it gives now:',
    ...drift.map((d) => `  ${d}`),
    `  ${RESTAGE_ADVICE} (signatures over the old drafts stop counting); sign refuses until then`,
  ];
}

/** Human-readable status table lines; `drift` from planDrift makes the ceremony not ready. */
export function renderStatus(status: CeremonyStatus, drift: readonly string[] = []): string[] {
  const lines = [`ceremony ${status.id}`, ...driftLines(drift)];
  for (const role of status.roles) {
    lines.push(
      `${role.role} v${role.version}  expires ${role.expires}  ${role.ready ? 'READY' : 'needs signatures'}`,
    );
    lines.push(`  sha256 of the bytes to sign: ${role.sha256}`);
    for (const check of role.checks) lines.push(`  ${checkLine(check)}`);
    for (const s of role.stale) {
      lines.push(
        `  stale: ${s.holder}'s signature with key ${s.keyid.slice(0, 8)} was made over other bytes (sha256 ${s.signedSha256.slice(0, 16)}…) and does not count`,
      );
    }
  }
  lines.push(
    drift.length > 0
      ? 'not ready: the staged drafts no longer follow the plan'
      : status.ready
        ? 'ready to finalize: run tuf-ceremony finalize'
        : 'not ready: signatures are missing',
  );
  return lines.map(escapeTerminal);
}

/** One line per staged role and authority: which holders' signatures count (finalize prints it). */
export function signerLines(status: CeremonyStatus): string[] {
  return status.roles.flatMap((role) =>
    role.checks.map(
      (c) =>
        `${role.role} v${role.version}, ${c.label}: signed by ${c.signedBy.join(', ') || 'nobody'} (${c.holdersCounted} of threshold ${c.result.threshold} holders)`,
    ),
  );
}

/** JSON form of the status (for --json); `plan_changed` lists the drift, if any. */
export function statusJson(status: CeremonyStatus, drift: readonly string[] = []): unknown {
  return {
    id: status.id,
    ready: status.ready && drift.length === 0,
    plan_changed: [...drift],
    roles: status.roles.map((r) => ({
      role: r.role,
      version: r.version,
      expires: r.expires,
      sha256: r.sha256,
      ready: r.ready,
      checks: r.checks.map((c) => ({
        authority: c.label,
        threshold: c.result.threshold,
        valid: c.holdersCounted,
        valid_keys: c.result.signed.length,
        signed_by: c.signedBy,
        missing: c.missingHolders,
        invalid_keyids: c.result.invalid,
      })),
      stale: r.stale.map((s) => ({
        holder: s.holder,
        keyid: s.keyid,
        signed_sha256: s.signedSha256,
      })),
    })),
  };
}
