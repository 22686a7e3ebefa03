import type { CeremonyStatus } from '../ceremony/status.js';

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** Everyone whose signature is still missing somewhere in the ceremony. */
export function missingHolders(status: CeremonyStatus): string[] {
  return unique(
    status.roles.flatMap((r) => r.checks.flatMap((c) => (c.met ? [] : c.missingHolders))),
  );
}

/**
 * The room as one holder sees it: signatures landed per role and authority, who is still
 * missing, and what happens next (the holder screen of guided mode).
 */
export function roomLines(status: CeremonyStatus, who: string): string[] {
  const lines = [`The room, ceremony ${status.id}:`];
  for (const role of status.roles) {
    const counts = role.checks.map((c) => {
      const landed = c.holdersCounted;
      const missing = c.met ? '' : `; missing ${c.missingHolders.join(', ') || 'none'}`;
      return `${c.label} ${landed} of ${c.result.threshold}${missing}`;
    });
    lines.push(
      `  ${role.role} v${role.version}: ${counts.join(' | ')}${role.ready ? '  (met)' : ''}`,
    );
  }
  const missing = missingHolders(status);
  if (status.ready) {
    lines.push('Next: every threshold is met; the coordinator runs tuf-ceremony finalize.');
  } else if (missing.includes(who)) {
    const others = missing.filter((h) => h !== who);
    lines.push(
      `Next: ${who} signs${others.length > 0 ? `; then still waiting for ${others.join(', ')}` : '; that meets every threshold'}.`,
    );
  } else {
    lines.push(
      `Next: waiting for ${missing.join(', ') || 'nobody'}; then the coordinator finalizes.`,
    );
  }
  return lines;
}
