import { createHash } from 'node:crypto';
import { mdText } from './markdown.js';
import { countedKeys, rolesAndVersions, type CeremonyStatusView } from './status-view.js';

/** A comment body together with the hidden marker that makes posting it idempotent. */
export interface MarkedComment {
  marker: string;
  body: string;
}

/** A short digest of the bytes being signed: a new draft gets new comments, a rerun does not. */
function draftDigest(view: CeremonyStatusView): string {
  const joined = view.roles.map((r) => `${r.name}:${r.version}:${r.sha256}`).join('\n');
  return createHash('sha256').update(joined).digest('hex').slice(0, 16);
}

/** The comment posted once when `holder`'s signatures land. */
export function signatureLandedComment(view: CeremonyStatusView, holder: string): MarkedComment {
  const safe = holder.replace(/[^A-Za-z0-9._-]/g, '_');
  const marker = `<!-- tuf-ceremony:signed:${safe}:${draftDigest(view)} -->`;
  const counts = view.roles
    .map((r) => `\`${mdText(r.name)}\` ${countedKeys(r)}/${r.threshold}`)
    .join(', ');
  const body = [
    marker,
    `✍️ **${mdText(holder)}** signed ${mdText(rolesAndVersions(view))}.`,
    '',
    `Valid signatures / threshold: ${counts}.`,
  ].join('\n');
  return { marker, body };
}

/** The comment posted once when every threshold is met. */
export function thresholdsMetComment(view: CeremonyStatusView): MarkedComment {
  const marker = `<!-- tuf-ceremony:ready:${draftDigest(view)} -->`;
  const body = [
    marker,
    `✅ Every threshold is met for ${mdText(rolesAndVersions(view))}.`,
    '',
    'The coordinator can now run `tuf-ceremony finalize`.',
  ].join('\n');
  return { marker, body };
}

/** The comment posted once when the ceremony's roles are finalized into repository/. */
export function finalizedComment(view: CeremonyStatusView): MarkedComment {
  const marker = `<!-- tuf-ceremony:finalized:${draftDigest(view)} -->`;
  const body = [
    marker,
    `📦 Finalized ${mdText(rolesAndVersions(view))}: the signed metadata, a new snapshot and timestamp are in \`repository/\`.`,
    '',
    'Merging this pull request publishes them.',
  ].join('\n');
  return { marker, body };
}
