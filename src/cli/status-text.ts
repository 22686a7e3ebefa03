import type { CeremonyStatus } from '../ceremony/status.js';
import { escapeTerminal } from '../metadata/terminal-text.js';

/** Human-readable status table lines. */
export function renderStatus(status: CeremonyStatus): string[] {
  const lines = [`ceremony ${status.id}`];
  for (const role of status.roles) {
    lines.push(
      `${role.role} v${role.version}  expires ${role.expires}  ${role.ready ? 'READY' : 'needs signatures'}`,
    );
    lines.push(`  sha256 of the bytes to sign: ${role.sha256}`);
    for (const check of role.checks) {
      const missing = check.result.verified
        ? ''
        : `; missing: ${check.missingHolders.join(', ') || 'none'}`;
      lines.push(
        `  ${check.label}: ${check.result.signed.length} valid of threshold ${check.result.threshold} (signed: ${check.signedBy.join(', ') || 'nobody yet'}${missing})`,
      );
    }
    for (const s of role.stale) {
      lines.push(
        `  stale: ${s.holder}'s signature with key ${s.keyid.slice(0, 8)} was made over other bytes (sha256 ${s.signedSha256.slice(0, 16)}…) and does not count`,
      );
    }
  }
  lines.push(
    status.ready
      ? 'ready to finalize: run tuf-ceremony finalize'
      : 'not ready: signatures are missing',
  );
  return lines.map(escapeTerminal);
}

/** JSON form of the status (for --json). */
export function statusJson(status: CeremonyStatus): unknown {
  return {
    id: status.id,
    ready: status.ready,
    roles: status.roles.map((r) => ({
      role: r.role,
      version: r.version,
      expires: r.expires,
      sha256: r.sha256,
      ready: r.ready,
      checks: r.checks.map((c) => ({
        authority: c.label,
        threshold: c.result.threshold,
        valid: c.result.signed.length,
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
