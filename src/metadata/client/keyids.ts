import { computeKeyid } from '../keys.js';
import type { Key } from '../model.js';
import { printablePrefix } from '../terminal-text.js';

/**
 * Spec 4.2 keyids are the sha256 of the canonical key. A repository whose keyid differs (Sigstore
 * root v11) verifies here, but clients that recompute keyids reject it: report it as a warning.
 */
export function keyidWarnings(keys: Readonly<Record<string, Key>>, where: string): string[] {
  const warnings: string[] = [];
  for (const [keyid, key] of Object.entries(keys)) {
    const expected = computeKeyid(key);
    if (expected !== keyid.toLowerCase()) {
      warnings.push(
        `${where}: keyid ${printablePrefix(keyid, 12)}… is not the sha256 of its key (${expected.slice(0, 12)}…); clients that recompute keyids reject it`,
      );
    }
  }
  return warnings;
}

/** Warnings for keys a role lists that this client could not use (unsupported or unreadable). */
export function unusableKeyWarnings(
  unusable: Readonly<Record<string, string>>,
  where: string,
): string[] {
  return Object.entries(unusable).map(
    ([keyid, reason]) => `${where}: key ${printablePrefix(keyid, 12)}… cannot be used: ${reason}`,
  );
}
