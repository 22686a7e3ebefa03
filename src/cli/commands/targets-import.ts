import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  manifestFormatOf,
  parseManifestLine,
  parseRemovalLine,
  quoteManifestText,
  type ManifestFormat,
} from '../../ceremony/manifest.js';
import type { Plan } from '../../ceremony/plan.js';
import { routeTarget, succinctRolesOf, type TargetRoute } from '../../ceremony/target-routing.js';
import { BinnedListing, type ListingLookup } from '../../repo/binned-listing.js';
import { CeremonyError, isCeremonyError } from '../../metadata/errors.js';
import type { TargetFile } from '../../metadata/model.js';
import { readManifest } from '../../repo/manifest-reader.js';
import { removeTargetInput, roleInputDir } from '../../repo/target-inputs.js';
import { listingFile, writeListing } from '../../repo/target-listings.js';
import { ownersOf, readTargetOwners, type TargetOwners } from '../../repo/target-owners.js';
import { stringFlag, type Command, type CommandContext } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadPlan } from '../ceremony-context.js';
import { count, seconds, startProgress } from '../progress.js';
import { chosenRoute, inputRoles, MANIFEST_FORMAT_OPTION, roleOfFlag } from '../target-roles.js';

// `targets import MANIFEST`: targets known by a listing of paths, lengths and hashes (no bytes),
// routed like `targets add`, stored in targets-listed/<role>.jsonl. `targets remove --manifest`
// removes the paths of a listing. Every line is checked before anything is written.

const NEXT =
  'run tuf-ceremony stage (stage --restage while a ceremony is staged) to stage the new targets version';

/** The one MANIFEST positional, resolved, with its format. */
function manifestArg(
  ctx: CommandContext,
  positionals: readonly string[],
  format: string | undefined,
  usage: string,
): { file: string; format: ManifestFormat } {
  if (positionals.length !== 1)
    throw new CeremonyError('USAGE', `give exactly one MANIFEST (usage: ${usage})`);
  const file = resolve(ctx.cwd, positionals[0] as string);
  return { file, format: manifestFormatOf(file, format) };
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    throw new CeremonyError('USAGE', `${file}: cannot read the manifest`);
  }
}

function routeOrProblem(plan: Plan, role: string | undefined, path: string): TargetRoute | string {
  try {
    return role === undefined ? routeTarget(plan, path) : chosenRoute(plan, role, path);
  } catch (err) {
    if (isCeremonyError(err)) return err.message;
    throw err;
  }
}

/** A listing being changed: set and delete by path. */
interface ChangingListing {
  set(path: string, target: TargetFile, bin?: string): unknown;
  delete(path: string): unknown;
}

/**
 * Applies `change` to a role's listing and writes it: a bins delegation's changed bins only
 * (per-bin files), another role's one file whole. `current` is the listing as read (none yet:
 * a new one).
 */
async function writeChanged(
  root: string,
  plan: Plan,
  role: string,
  current: ListingLookup | undefined,
  change: (listing: ChangingListing) => void,
): Promise<void> {
  const delegation = plan.delegations.find((d) => d.name === role);
  const succinct = delegation ? succinctRolesOf(delegation) : undefined;
  if (succinct !== undefined) {
    const listing =
      current instanceof BinnedListing ? current : new BinnedListing(root, role, succinct);
    change(listing);
    await listing.write();
    return;
  }
  const listing = current instanceof Map ? (current as Map<string, TargetFile>) : new Map();
  change(listing);
  await writeListing(root, role, listing);
}

/** What one import changes in one role. */
interface RoleImport {
  targets: Map<string, TargetFile>;
  /** The bin of each path routed into a bins delegation. */
  binOf: Map<string, string>;
  added: number;
  replaced: number;
  bins: Set<string>;
}

function importLine(owners: TargetOwners, path: string, route: TargetRoute): string | undefined {
  for (const owner of ownersOf(owners, path)) {
    if (owner.kind === 'file')
      return `${quoteManifestText(path)} is a target file of role ${owner.role} (in ${roleInputDir('.', owner.role)}); run tuf-ceremony targets remove first`;
    if (owner.role !== route.role)
      return `${quoteManifestText(path)} is already a target of role ${owner.role} (spec 5.6.7: clients use only the first role listing a path); remove it there first`;
  }
  return undefined;
}

function summary(role: string, change: RoleImport): string {
  const bins = change.bins.size > 0 ? ` in ${count(change.bins.size)} bin(s)` : '';
  return `role ${role}: ${count(change.added)} new, ${count(change.replaced)} replaced${bins}`;
}

/** `tuf-ceremony targets import MANIFEST`: adds or replaces targets known only by a listing. */
export const targetsImportCommand: Command = {
  name: 'targets import',
  summary:
    'add or replace targets from a manifest of paths, lengths and hashes (JSON Lines or CSV) without their bytes; then stage',
  usage: 'tuf-ceremony targets import MANIFEST [--dir DIR] [--role ROLE] [--format jsonl|csv]',
  description:
    'MANIFEST lines: {"path": ..., "length": N, "hashes": {"sha256": ...}, "custom": {...}} (JSON Lines) or path,length,sha256[,sha512] (CSV). Targets are routed as targets add routes files, and published in metadata only: no bytes are copied. Any bad line refuses the whole manifest.',
  examples: [
    'tuf-ceremony targets import packages.jsonl',
    'tuf-ceremony targets import --format csv --role bins listing.txt',
  ],
  positionals: true,
  options: {
    ...DIR_OPTION,
    role: {
      type: 'string',
      description: 'the targets role (or bin) every target goes to, instead of routing',
      valueName: 'ROLE',
    },
    format: MANIFEST_FORMAT_OPTION,
  },
  async run(ctx, args) {
    const { paths, plan } = await loadPlan(ceremonyDir(ctx, args));
    const root = paths.root;
    const { file, format } = manifestArg(
      ctx,
      args.positionals,
      stringFlag(args, 'format'),
      targetsImportCommand.usage,
    );
    const roleFlag = stringFlag(args, 'role');
    if (roleFlag !== undefined) roleOfFlag(plan, roleFlag);
    const owners = await readTargetOwners(root, plan, inputRoles(plan));
    const changes = new Map<string, RoleImport>();
    const progress = startProgress(ctx, 'import', await sizeOf(file), 'bytes');
    const problems = await readManifest(
      file,
      (text, first) => parseManifestLine(format, text, first),
      (entry, _line) => {
        const route = routeOrProblem(plan, roleFlag, entry.path);
        if (typeof route === 'string') return route;
        const problem = importLine(owners, entry.path, route);
        if (problem !== undefined) return problem;
        let change = changes.get(route.role);
        if (!change) {
          change = { targets: new Map(), binOf: new Map(), added: 0, replaced: 0, bins: new Set() };
          changes.set(route.role, change);
        }
        change.targets.set(entry.path, entry.file);
        if (owners.listings.get(route.role)?.has(entry.path)) change.replaced++;
        else change.added++;
        if (route.bin !== undefined) {
          change.bins.add(route.bin);
          change.binOf.set(entry.path, route.bin);
        }
        return undefined;
      },
      (bytes) => {
        progress.tick(bytes);
      },
    );
    const ms = progress.finish();
    problems.throwIfAny('nothing was imported');
    let total = 0;
    for (const [role, change] of changes) {
      await writeChanged(root, plan, role, owners.listings.get(role), (listing) => {
        for (const [path, target] of change.targets)
          listing.set(path, target, change.binOf.get(path));
      });
      total += change.targets.size;
    }
    ctx.out(
      `imported ${count(total)} target(s) from ${file} in ${seconds(ms)}: ${[...changes].map(([r, c]) => summary(r, c)).join('; ') || 'none'}`,
    );
    ctx.out(
      'targets known only by listing are published in metadata only (no bytes are copied into repository/targets)',
    );
    ctx.out(NEXT);
    return 0;
  },
};

/** One removed target: its path, the role it left, and whether it was known only by listing. */
export interface RemovedTarget {
  path: string;
  role: string;
  listed: boolean;
}

/** Text lines for removed targets: listed targets of a role summarized beyond three. */
export function removalLines(removed: readonly RemovedTarget[]): string[] {
  const lines: string[] = [];
  const listedByRole = new Map<string, string[]>();
  for (const r of removed) {
    if (!r.listed) continue;
    listedByRole.set(r.role, [...(listedByRole.get(r.role) ?? []), r.path]);
  }
  for (const [role, paths] of listedByRole) {
    if (paths.length <= 3)
      for (const path of paths) lines.push(`target ${path} removed from role ${role}`);
    else lines.push(`${count(paths.length)} listed targets removed from role ${role}`);
  }
  for (const r of removed)
    if (!r.listed) lines.push(`target ${r.path} removed from role ${r.role}`);
  return lines;
}

/** Paths to remove, by role and kind, checked against the inputs before anything changes. */
export class TargetRemoval {
  private readonly listed = new Map<string, string[]>();
  private readonly files: { role: string; path: string }[] = [];

  constructor(
    private readonly owners: TargetOwners,
    private readonly roles: readonly string[],
    private readonly plan: Plan,
  ) {}

  /** Adds a path to remove; returns the problem when it is not exactly one role's input. */
  add(path: string): string | undefined {
    const found = ownersOf(this.owners, path);
    const [owner] = found;
    if (owner === undefined)
      return `${quoteManifestText(path)} is not a target input of ${this.roles.join(', ')}`;
    if (found.length > 1)
      return `${quoteManifestText(path)} is an input of ${found.map((o) => o.role).join(' and ')}; name one with --role`;
    if (owner.kind === 'file') this.files.push({ role: owner.role, path });
    else {
      const paths = this.listed.get(owner.role) ?? [];
      paths.push(path);
      this.listed.set(owner.role, paths);
    }
    return undefined;
  }

  /** Removes every path added (listings rewritten once per role); returns what was removed. */
  async apply(root: string): Promise<RemovedTarget[]> {
    const removed: RemovedTarget[] = [];
    for (const [role, paths] of this.listed) {
      const listing = this.owners.listings.get(role);
      if (!listing) throw new CeremonyError('STATE_INVALID', `${listingFile(root, role)}: missing`);
      await writeChanged(root, this.plan, role, listing, (changing) => {
        for (const path of paths) changing.delete(path);
      });
      for (const path of paths) removed.push({ path, role, listed: true });
    }
    for (const { role, path } of this.files) {
      await removeTargetInput(root, role, path);
      removed.push({ path, role, listed: false });
    }
    return removed;
  }

  /** The paths of removed target files (their custom metadata goes too). */
  filePaths(): string[] {
    return this.files.map((f) => f.path);
  }
}

/** The roles a removal searches (all, or the one --role names) and what they hold. */
export async function removalFor(
  root: string,
  plan: Plan,
  roleFlag: string | undefined,
): Promise<TargetRemoval> {
  const roles = roleFlag === undefined ? inputRoles(plan) : [roleOfFlag(plan, roleFlag)];
  return new TargetRemoval(await readTargetOwners(root, plan, roles), roles, plan);
}

/** Reads a removal manifest into `removal`: every line checked, nothing removed yet. */
export async function readRemovalManifest(
  removal: TargetRemoval,
  manifest: { file: string; format: ManifestFormat },
): Promise<void> {
  const problems = await readManifest(
    manifest.file,
    (text, first) => parseRemovalLine(manifest.format, text, first),
    ({ path }) => removal.add(path),
  );
  problems.throwIfAny('nothing was removed');
}
