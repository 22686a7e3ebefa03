import { reviewDraft } from '../../ceremony/review.js';
import { signingNeeds } from '../../ceremony/signing-needs.js';
import type { AnySigned } from '../../metadata/model.js';
import { boolFlag, EXIT, stringFlag, type Command, JSON_OPTION } from '../command.js';
import { hashPictureLines } from '../fingerprint-text.js';
import {
  DIR_OPTION,
  ceremonyDir,
  loadCeremony,
  requireStaging,
  statusOf,
  type LoadedCeremony,
  unknownHolder,
} from '../ceremony-context.js';
import { planDrift } from '../plan-drift.js';
import { checkLine, driftLines } from '../status-text.js';

/** The published `signed` of a role, if any. */
export function publishedSigned(loaded: LoadedCeremony, role: string): AnySigned | undefined {
  const p = loaded.published;
  if (role === 'root') return p.root?.metadata.signed;
  if (role === 'targets') return p.targets?.metadata.signed;
  return p.delegated.get(role)?.metadata.signed;
}

/** What `review` shows: per staged role (all, or those a holder must sign), its review lines. */
export interface ReviewSections {
  ceremony: string;
  holder: string | null;
  roles: { role: string; lines: string[] }[];
}

/** The review of the staged roles (all, or those a holder must sign). */
export function reviewSections(
  loaded: LoadedCeremony,
  holder: string | undefined,
  options: { qr?: boolean } = {},
): ReviewSections {
  const staging = requireStaging(loaded);
  let roles = staging.ceremony.roles;
  if (holder !== undefined) {
    const known =
      Object.prototype.hasOwnProperty.call(loaded.plan.holders, holder) ||
      loaded.keys.some((k) => k.holder === holder);
    if (!known) {
      throw unknownHolder(loaded.plan, holder);
    }
    const needs = signingNeeds(
      holder,
      loaded.keys.filter((k) => k.holder === holder),
      roles,
      staging.drafts,
      staging.holders,
      loaded.published,
    );
    roles = roles.filter((r) => needs.some((n) => n.role === r));
  }
  const sections: ReviewSections['roles'] = [];
  const status = statusOf(loaded);
  for (const role of roles) {
    const draft = staging.drafts.get(role);
    if (!draft) continue;
    const lines = reviewDraft(draft, publishedSigned(loaded, role));
    lines.push(
      ...hashPictureLines(
        `${role} v${draft.metadata.signed.version}`,
        draft.sha256,
        options.qr === true,
      ),
    );
    // Signatures so far, per holder (a holder's two signatures count once).
    const checks = status.roles.find((r) => r.role === role)?.checks ?? [];
    for (const check of checks) lines.push(`  ${checkLine(check)}`);
    sections.push({ role, lines });
  }
  return { ceremony: staging.ceremony.id, holder: holder ?? null, roles: sections };
}

/** Review lines for the staged roles (all, or those a holder must sign). */
export function reviewLines(
  loaded: LoadedCeremony,
  holder: string | undefined,
  options: { qr?: boolean } = {},
): string[] {
  const review = reviewSections(loaded, holder, options);
  if (holder !== undefined && review.roles.length === 0)
    return [`${holder} has nothing to sign in ceremony ${review.ceremony}`];
  return [`ceremony ${review.ceremony}`, ...review.roles.flatMap((r) => r.lines)];
}

/** `tuf-ceremony review`: what changes, and the sha256 of the exact bytes to sign. */
export const reviewCommand: Command = {
  name: 'review',
  examples: ['tuf-ceremony review --holder alice', 'tuf-ceremony review --json'],
  summary: 'show what each staged role changes and the sha256 of the exact bytes to be signed',
  usage: 'tuf-ceremony review [--dir DIR] [--holder NAME] [--qr]',
  options: {
    ...DIR_OPTION,
    holder: {
      type: 'string',
      valueName: 'NAME',
      description: 'show only the roles this holder signs (default: every staged role)',
    },
    qr: {
      type: 'boolean',
      description: 'also print a QR code of each sha256, for viewers to scan from the screen',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const qr = boolFlag(args, 'qr');
    const holder = stringFlag(args, 'holder');
    // Holders review only what the plan says: a drifted draft is flagged before anything else.
    const drift = driftLines(await planDrift(loaded));
    if (boolFlag(args, 'json')) {
      const review = reviewSections(loaded, holder, { qr });
      ctx.out(JSON.stringify({ ...review, drift }, null, 2));
      return EXIT.ok;
    }
    for (const line of [...drift, ...reviewLines(loaded, holder, { qr })]) ctx.out(line);
    return EXIT.ok;
  },
};
