import { reviewDraft } from '../../ceremony/review.js';
import { signingNeeds } from '../../ceremony/signing-needs.js';
import type { AnySigned } from '../../metadata/model.js';
import { CeremonyError } from '../../metadata/errors.js';
import { boolFlag, stringFlag, type Command } from '../command.js';
import { stagedTrustOperations } from '../trust-review.js';
import {
  DIR_OPTION,
  ceremonyDir,
  loadCeremony,
  requireStaging,
  type LoadedCeremony,
} from '../ceremony-context.js';

/** The published `signed` of a role, if any. */
export function publishedSigned(loaded: LoadedCeremony, role: string): AnySigned | undefined {
  const p = loaded.published;
  if (role === 'root') return p.root?.metadata.signed;
  if (role === 'targets') return p.targets?.metadata.signed;
  return p.delegated.get(role)?.metadata.signed;
}

/** Review lines for the staged roles (all, or those a holder must sign). */
export function reviewLines(loaded: LoadedCeremony, holder: string | undefined): string[] {
  const staging = requireStaging(loaded);
  let roles = staging.ceremony.roles;
  if (holder !== undefined) {
    const known =
      Object.prototype.hasOwnProperty.call(loaded.plan.holders, holder) ||
      loaded.keys.some((k) => k.holder === holder);
    if (!known) {
      throw new CeremonyError(
        'USAGE',
        `${loaded.plan.file}: no holder named "${holder}" (holders: ${Object.keys(loaded.plan.holders).join(', ')})`,
      );
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
    if (roles.length === 0)
      return [`${holder} has nothing to sign in ceremony ${staging.ceremony.id}`];
  }
  const lines = [`ceremony ${staging.ceremony.id}`];
  for (const role of roles) {
    const draft = staging.drafts.get(role);
    if (draft) lines.push(...reviewDraft(draft, publishedSigned(loaded, role)));
  }
  return lines;
}

/** `tuf-ceremony review`: what changes, and the sha256 of the exact bytes to sign. */
export const reviewCommand: Command = {
  name: 'review',
  summary: 'show what each staged role changes and the sha256 of the exact bytes to be signed',
  usage: 'tuf-ceremony review [--dir DIR] [--holder NAME] [--json]',
  options: {
    ...DIR_OPTION,
    holder: { type: 'string' },
    json: {
      type: 'boolean',
      description: 'print the staged roles and each Sigstore trust-material operation as JSON',
    },
  },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const holder = stringFlag(args, 'holder');
    const lines = reviewLines(loaded, holder);
    const staging = requireStaging(loaded);
    // Trust material is reviewed by whoever signs targets (everyone without --holder).
    const signsTargets = holder === undefined || lines.some((l) => l.startsWith('targets v'));
    const operations = signsTargets ? ((await stagedTrustOperations(loaded)) ?? []) : [];
    if (boolFlag(args, 'json')) {
      const roles = staging.ceremony.roles.map((role) => {
        const draft = staging.drafts.get(role);
        return { role, version: draft?.metadata.signed.version, sha256: draft?.sha256 };
      });
      ctx.out(
        JSON.stringify({ ceremony: staging.ceremony.id, roles, sigstore: operations }, null, 2),
      );
      return 0;
    }
    for (const line of lines) ctx.out(line);
    if (operations.length > 0) {
      ctx.out('Sigstore trust material changes:');
      for (const op of operations) ctx.out(`  ${op.text}`);
    }
    return 0;
  },
};
