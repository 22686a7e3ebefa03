import { hashGroups, randomart } from '../ceremony/fingerprint.js';
import { qrTerminalLines } from '../present/qr.js';

/**
 * Terminal lines showing a sha256 as a visual fingerprint with its hex in groups beside it, and
 * with `qr` a QR code of the full hash below, so screens can be compared on a stream.
 */
export function hashPictureLines(label: string, sha256: string, qr: boolean): string[] {
  const art = randomart(sha256, label);
  const groups = hashGroups(sha256);
  const lines = art.map((row, i) => {
    const beside = i === 1 ? 'sha256:' : (groups[i - 2] ?? '');
    return `  ${row}   ${beside}`.trimEnd();
  });
  if (qr) lines.push(...qrTerminalLines(sha256).map((row) => `  ${row}`));
  return lines;
}

/** Terminal lines of a key's visual fingerprint (from its full fingerprint digest). */
export function keyPictureLines(label: string, digest: string): string[] {
  return randomart(digest, label, 'KEY').map((row) => `  ${row}`);
}
