import { reviewDraft } from '../../ceremony/review.js';
import { signingNeeds } from '../../ceremony/signing-needs.js';
import type { AnySigned } from '../../metadata/model.js';
import { boolFlag, EXIT, stringFlag, type Command, JSON_OPTION } from '../command.js';
import {
  DIR_OPTION,
  ceremonyDir,
  loadCeremony,
  requireStaging,
  type LoadedCeremony,
  unknownHolder,
} from '../ceremony-context.js';

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
export function reviewSections(loaded: LoadedCeremony, holder: string | undefined): ReviewSections {
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
  for (const role of roles) {
    const draft = staging.drafts.get(role);
    if (draft) sections.push({ role, lines: reviewDraft(draft, publishedSigned(loaded, role)) });
  }
  return { ceremony: staging.ceremony.id, holder: holder ?? null, roles: sections };
}

/** Review lines for the staged roles (all, or those a holder must sign). */
export function reviewLines(loaded: LoadedCeremony, holder: string | undefined): string[] {
  const review = reviewSections(loaded, holder);
  if (holder !== undefined && review.roles.length === 0)
    return [`${holder} has nothing to sign in ceremony ${review.ceremony}`];
  return [`ceremony ${review.ceremony}`, ...review.roles.flatMap((r) => r.lines)];
}

/** `tuf-ceremony review`: what changes, and the sha256 of the exact bytes to sign. */
export const reviewCommand: Command = {
  name: 'review',
  examples: ['tuf-ceremony review --holder alice', 'tuf-ceremony review --json'],
  summary: 'show what each staged role changes and the sha256 of the exact bytes to be signed',
  usage: 'tuf-ceremony review [--dir DIR] [--holder NAME]',
  options: {
    ...DIR_OPTION,
    holder: {
      type: 'string',
      valueName: 'NAME',
      description: 'show only the roles this holder signs (default: every staged role)',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const holder = stringFlag(args, 'holder');
    if (boolFlag(args, 'json')) ctx.out(JSON.stringify(reviewSections(loaded, holder), null, 2));
    else for (const line of reviewLines(loaded, holder)) ctx.out(line);
    return EXIT.ok;
  },
};
