import { BIN_DETAIL, reviewBins, reviewDraft, type ReviewOptions } from '../../ceremony/review.js';
import { planRecordsDir } from '../../repo/plan-record.js';
import type { StagedDraft } from '../../ceremony/staging.js';
import { inputRoleOf } from '../../ceremony/target-routing.js';
import { listInputPaths, roleInputDir } from '../../repo/target-inputs.js';
import { signingNeeds } from '../../ceremony/signing-needs.js';
import type { AnySigned } from '../../metadata/model.js';
import {
  boolFlag,
  EXIT,
  stringFlag,
  type Command,
  JSON_OPTION,
  type OptionSpec,
} from '../command.js';
import { hashPictureLines } from '../fingerprint-text.js';
import { stagedTrustOperations } from '../trust-review.js';
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

/** `--full`: every changed target and every bin, not a summary of large changes. */
export const FULL_OPTION: OptionSpec = {
  full: {
    type: 'boolean',
    description: 'show every changed target and every hash bin, not a summary of large changes',
  },
};

/**
 * Which staged targets are known only by listing: those without an input file. A path is never
 * both (planning refuses it), and the drafts follow the inputs (the plan-drift check), so one
 * walk of each input folder answers without reading listings of a million lines.
 */
async function listedTargets(
  loaded: LoadedCeremony,
  roles: readonly string[],
): Promise<(role: string, path: string) => boolean> {
  const folders = new Map<string, ReadonlySet<string>>();
  // Each staged role's input files, looked up once per role rather than once per target.
  const filesOf = new Map<string, ReadonlySet<string>>();
  for (const role of roles) {
    const input = inputRoleOf(loaded.plan, role);
    if (input === undefined) continue;
    if (loaded.staging?.drafts.get(role)?.metadata.signed._type !== 'targets') continue;
    let files = folders.get(input);
    if (files === undefined) {
      files = new Set(await listInputPaths(roleInputDir(loaded.paths.root, input)));
      folders.set(input, files);
    }
    filesOf.set(role, files);
  }
  return (role, path) => filesOf.get(role)?.has(path) === false;
}

/** The bins delegation a staged role is a bin of, if it is one. */
function binsOf(loaded: LoadedCeremony, role: string): string | undefined {
  const input = inputRoleOf(loaded.plan, role);
  return input !== undefined && input !== role && input !== 'targets' ? input : undefined;
}

/** Staged bins grouped by their delegation, in staging order. */
function binGroups(loaded: LoadedCeremony, roles: readonly string[]): Map<string, StagedDraft[]> {
  const bins = new Map<string, StagedDraft[]>();
  for (const role of roles) {
    const draft = loaded.staging?.drafts.get(role);
    const delegation = binsOf(loaded, role);
    if (!draft || delegation === undefined) continue;
    const group = bins.get(delegation) ?? [];
    group.push(draft);
    bins.set(delegation, group);
  }
  return bins;
}

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

/** The review of the staged roles (all, or those a holder must sign); bins summarized unless full. */
export async function reviewSections(
  loaded: LoadedCeremony,
  holder: string | undefined,
  options: { qr?: boolean; full?: boolean } = {},
): Promise<ReviewSections> {
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
    const needed = new Set(needs.map((n) => n.role));
    roles = roles.filter((r) => needed.has(r));
  }
  const sections: ReviewSections['roles'] = [];
  const status = statusOf(loaded);
  const checksOf = new Map(status.roles.map((r) => [r.role, r.checks]));
  const review: ReviewOptions = {
    full: options.full === true,
    listed: await listedTargets(loaded, roles),
  };
  const bins = binGroups(loaded, roles);
  const summarized = new Set<string>();
  for (const role of roles) {
    const draft = staging.drafts.get(role);
    if (!draft) continue;
    const delegation = binsOf(loaded, role);
    const group = delegation === undefined ? undefined : bins.get(delegation);
    if (delegation !== undefined && group && group.length > BIN_DETAIL && !review.full) {
      // Thousands of bins: one summary (counts, first paths); --full reviews each bin.
      if (summarized.has(delegation)) continue;
      summarized.add(delegation);
      sections.push({
        role: delegation,
        lines: reviewBins(delegation, group, (r) => publishedSigned(loaded, r), review),
      });
      continue;
    }
    const lines = reviewDraft(draft, publishedSigned(loaded, role), review);
    lines.push(
      ...hashPictureLines(
        `${role} v${draft.metadata.signed.version}`,
        draft.sha256,
        options.qr === true,
      ),
    );
    // Signatures so far, per holder (a holder's two signatures count once).
    const checks = checksOf.get(role) ?? [];
    for (const check of checks) lines.push(`  ${checkLine(check)}`);
    sections.push({ role, lines });
  }
  return { ceremony: staging.ceremony.id, holder: holder ?? null, roles: sections };
}

/** Review lines for the staged roles (all, or those a holder must sign). */
export async function reviewLines(
  loaded: LoadedCeremony,
  holder: string | undefined,
  options: { qr?: boolean; full?: boolean } = {},
): Promise<string[]> {
  const review = await reviewSections(loaded, holder, options);
  if (holder !== undefined && review.roles.length === 0)
    return [`${holder} has nothing to sign in ceremony ${review.ceremony}`];
  return [`ceremony ${review.ceremony}`, ...review.roles.flatMap((r) => r.lines)];
}

/** `tuf-ceremony review`: what changes, and the sha256 of the exact bytes to sign. */
export const reviewCommand: Command = {
  name: 'review',
  examples: ['tuf-ceremony review --holder alice', 'tuf-ceremony review --json'],
  summary: 'show what each staged role changes and the sha256 of the exact bytes to be signed',
  usage: 'tuf-ceremony review [--dir DIR] [--holder NAME] [--qr] [--full] [--json]',
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
    ...FULL_OPTION,
    ...JSON_OPTION,
  },
  reusesSignatureChecks: true,
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const qr = boolFlag(args, 'qr');
    const holder = stringFlag(args, 'holder');
    const full = boolFlag(args, 'full');
    // Holders review only what the plan says: a drifted draft is flagged before anything else.
    const drift = driftLines(await planDrift(loaded, planRecordsDir(ctx.env)));
    const review = await reviewSections(loaded, holder, { qr, full });
    // Trust material is reviewed by whoever signs targets (everyone without --holder).
    const signsTargets = holder === undefined || review.roles.some((r) => r.role === 'targets');
    const sigstore = signsTargets ? ((await stagedTrustOperations(loaded)) ?? []) : [];
    if (boolFlag(args, 'json')) {
      ctx.out(JSON.stringify({ ...review, drift, sigstore }, null, 2));
      return EXIT.ok;
    }
    for (const line of [...drift, ...(await reviewLines(loaded, holder, { qr, full }))])
      ctx.out(line);
    if (sigstore.length > 0) {
      ctx.out('Sigstore trust material changes:');
      for (const op of sigstore) ctx.out(`  ${op.text}`);
    }
    return EXIT.ok;
  },
};
