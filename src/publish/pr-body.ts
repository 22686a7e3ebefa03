import { mdList, mdText } from './markdown.js';
import {
  countedKeys,
  roleThresholdMet,
  rolesAndVersions,
  type CeremonyStatusView,
  type RoleStatusView,
} from './status-view.js';

const START = '<!-- tuf-ceremony:status:start';
const END = '<!-- tuf-ceremony:status:end -->';
const ID = /^[A-Za-z0-9._-]+$/;

/** The pull request title: the ceremony's roles and versions. */
export function renderPrTitle(view: CeremonyStatusView): string {
  return `TUF ceremony: ${rolesAndVersions(view)}`;
}

function count(
  c: { validSigners: readonly string[]; validKeys?: number },
  threshold: number,
): string {
  const n = countedKeys(c);
  return `${n}/${threshold} ${n >= threshold ? '✅' : '⏳'}`;
}

function signaturesCell(role: RoleStatusView): string {
  const own = `${count(role, role.threshold)} (${mdList(role.validSigners)})`;
  if (role.rootOld === undefined) return own;
  const old = role.rootOld;
  return `new root: ${own}<br>previous root: ${count(old, old.threshold)} (${mdList(old.validSigners)})`;
}

function missingCell(role: RoleStatusView): string {
  const names = new Set([...role.missing, ...(role.rootOld?.missing ?? [])]);
  return mdList([...names].sort());
}

function hashCell(role: RoleStatusView): string {
  return /^[0-9a-f]{64}$/.test(role.sha256) ? `\`${role.sha256}\`` : mdText(role.sha256);
}

function trustSection(view: CeremonyStatusView): string[] {
  const changes = view.trustChanges ?? [];
  if (changes.length === 0) return [];
  return [
    '**Sigstore trust material changes** (what clients will trust once this is published):',
    '',
    ...changes.map((c) => `- ${mdText(c)}`),
    '',
  ];
}

/** The status section (between markers) that publishing writes and rewrites. */
export function renderStatusSection(view: CeremonyStatusView): string {
  if (!ID.test(view.ceremonyId)) throw new Error(`invalid ceremony id ${view.ceremonyId}`);
  const ready = view.roles.filter(roleThresholdMet).length;
  const headline = view.finalized
    ? '**Finalized:** the signed metadata is in `repository/` and verifies as a client; merging publishes it.'
    : view.ready
      ? '**Every threshold is met: ready to finalize.**'
      : `**Waiting for signatures:** ${ready} of ${view.roles.length} roles have met their threshold.`;
  const rows = view.roles.map((r) =>
    [
      `\`${mdText(r.name)}\``,
      String(r.version),
      mdText(r.expires),
      signaturesCell(r),
      missingCell(r),
      mdList(r.stale),
      hashCell(r),
    ].join(' | '),
  );
  return [
    `${START} ceremony=${view.ceremonyId} -->`,
    `### TUF ceremony \`${view.ceremonyId}\``,
    '',
    headline,
    '',
    '| Role | Version | Expires | Valid signatures / threshold | Missing | Stale | SHA-256 of the bytes to sign |',
    '| --- | ---: | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    '',
    ...trustSection(view),
    ...(view.finalized
      ? ['The SHA-256 column is of the signed bytes, as published in `repository/`.']
      : [
          'Before signing, check that `tuf-ceremony sign` shows the same SHA-256 as this table.',
          'Stale signatures were made over other bytes and are not counted.',
        ]),
    END,
  ].join('\n');
}

/** The title of a pull request carrying one holder's signatures into the ceremony branch. */
export function renderHolderPrTitle(view: CeremonyStatusView, holder: string): string {
  return `TUF ceremony: signatures of ${holder} for ${rolesAndVersions(view)}`;
}

/**
 * The body of a pull request carrying `holder`'s signatures into the ceremony branch `into`:
 * a lead saying so, then the status section counted as if merged. On update, `previous` keeps
 * its text and only the status section is replaced.
 */
export function renderHolderPrBody(
  view: CeremonyStatusView,
  holder: string,
  into: string,
  previous?: string | null,
): string {
  if (previous?.includes(START) === true && previous.includes(END)) {
    return renderPrBody(view, previous);
  }
  return [
    `Signatures of **${mdText(holder)}** for ${mdText(rolesAndVersions(view))} ` +
      `(ceremony \`${view.ceremonyId}\`), to merge into \`${into.replace(/`/g, '')}\`.`,
    '',
    'The status below counts them as if this pull request were merged.',
    '',
    renderStatusSection(view),
  ].join('\n');
}

/** The ceremony id a body's status section names, or undefined when it has none. */
export function ceremonyIdOfBody(body: string | null | undefined): string | undefined {
  const m = /<!-- tuf-ceremony:status:start ceremony=([A-Za-z0-9._-]+) -->/.exec(body ?? '');
  return m?.[1];
}

/**
 * The pull request body for `view`: a new body, or `previous` with only its status section
 * replaced, so text people added around it survives.
 */
export function renderPrBody(view: CeremonyStatusView, previous?: string | null): string {
  const section = renderStatusSection(view);
  const old = previous ?? '';
  const start = old.indexOf(START);
  const end = old.indexOf(END, start);
  if (start < 0 || end < 0) return section;
  return old.slice(0, start) + section + old.slice(end + END.length);
}
