import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import { holderOfKey } from '../ceremony/enrolled-key.js';
import { planFromValue, type Plan } from '../ceremony/plan.js';
import { planValueJson, recalledPlanValue, recordPlanValue } from '../repo/plan-values.js';
import type { PublishedRepo } from '../ceremony/published.js';
import { ceremonyStatus, type CeremonyStatus } from '../ceremony/status.js';
import { CeremonyError } from '../metadata/errors.js';
import { ceremonyPaths, type CeremonyPaths } from '../repo/ceremony-paths.js';
import { loadEnrolledKeys } from '../repo/enrolled-keys-store.js';
import { loadPublishedRepo } from '../repo/published-loader.js';
import { loadStaging, type StagingArea } from '../repo/staging-store.js';
import { removeTemporaryFiles } from '../repo/leftover-sweep.js';
import { printable } from '../metadata/printable.js';
import { didYouMean } from './suggest.js';
import { stringFlag, type CommandContext, type OptionSpec, type ParsedArgs } from './command.js';
import { escapeTerminalBlock } from '../metadata/terminal-text.js';

/** The `--dir` option every ceremony command takes. */
export const DIR_OPTION: OptionSpec = {
  dir: {
    type: 'string',
    short: 'C',
    valueName: 'DIR',
    description: 'the ceremony repository to work in (default: the working directory)',
  },
};

/** Bad input naming a holder the plan does not list (exit 1), with the closest name. */
export function unknownHolder(plan: Plan, holder: string): CeremonyError {
  const names = Object.keys(plan.holders);
  return new CeremonyError(
    'PLAN_INVALID',
    `${plan.file}: no holder named "${printable(holder)}"${didYouMean(holder, names)} (holders: ${names.join(', ')})`,
    { file: plan.file },
  );
}

/** A ceremony repository as read from disk, ready for a command. */
export interface LoadedCeremony {
  paths: CeremonyPaths;
  plan: Plan;
  keys: EnrolledKey[];
  published: PublishedRepo;
  staging: StagingArea | undefined;
  /** Holder name of every known keyid (enrolled keys and published keys' holder fields). */
  holderOf: Map<string, string>;
  /** Files in keys/ that are not enrollment records (`keys/alice.key`), reported by name. */
  strayKeyFiles: string[];
}

/** Where loadCeremony reports stray files in keys/ (stderr by default, escaped). */
function warnOnStderr(line: string): void {
  process.stderr.write(`${escapeTerminalBlock(line)}\n`);
}

/** The ceremony directory: `--dir`, or the working directory. */
export function ceremonyDir(ctx: CommandContext, args: ParsedArgs): string {
  return resolve(ctx.cwd, stringFlag(args, 'dir') ?? '.');
}

/**
 * The plan `text` holds: its value as this machine recorded it for exactly this text, else as
 * the YAML library reads it (loaded only then); validated either way.
 */
async function planOf(text: string, file: string): Promise<Plan> {
  const recalled = await recalledPlanValue(file, text);
  if (recalled !== undefined) {
    try {
      return planFromValue(recalled, file);
    } catch {
      // A record that no longer validates: the text is parsed, and any error reported from it.
    }
  }
  const { planValue } = await import('../ceremony/plan-yaml.js');
  const value = planValue(text, file);
  // Taken before validation, which must not be able to change what is recorded.
  const json = planValueJson(value);
  const plan = planFromValue(value, file);
  if (json !== undefined) await recordPlanValue(file, text, json);
  return plan;
}

/** Reads the ceremony's plan only (one error listing every mistake). */
export async function loadPlan(dir: string): Promise<{ paths: CeremonyPaths; plan: Plan }> {
  const paths = ceremonyPaths(dir);
  let text: string;
  try {
    text = await readFile(paths.plan, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      throw new CeremonyError(
        'USAGE',
        `${paths.plan}: no ceremony plan here; run tuf-ceremony init ${dir} (or pass --dir)`,
      );
    }
    throw err;
  }
  const plan = await planOf(text, paths.plan);
  // Leftovers of killed runs go first, so that no scan after this ever sees one.
  await removeTemporaryFiles(dir);
  return { paths, plan };
}

/** Reads the plan (one error listing every mistake), keys, published repository and staging area. */
export async function loadCeremony(
  dir: string,
  warn: (line: string) => void = warnOnStderr,
): Promise<LoadedCeremony> {
  // The published repository is read while the plan is parsed and leftovers are swept: its loader
  // takes only root.json, timestamp.json and the names snapshot lists, never a temporary name.
  const publishedRepo = loadPublishedRepo(ceremonyPaths(dir).repository);
  // Settled (and so never an unhandled rejection) if the plan cannot be read; awaited below.
  publishedRepo.catch(() => undefined);
  const { paths, plan } = await loadPlan(dir);
  const [{ keys, stray }, published, staging] = await Promise.all([
    loadEnrolledKeys(paths),
    publishedRepo,
    loadStaging(paths),
  ]);
  const holderOf = new Map<string, string>();
  for (const root of published.roots.values()) {
    for (const [keyid, key] of Object.entries(root.metadata.signed.keys)) {
      const holder = holderOfKey(key);
      if (holder) holderOf.set(keyid, holder);
    }
  }
  for (const k of keys) holderOf.set(k.keyid, k.holder);
  for (const file of stray) {
    warn(
      `warning: ${file}: not an enrolled key record (keys/<holder>/<keyid>.json), ignored; keep private keys outside the ceremony repository`,
    );
  }
  return { paths, plan, keys, published, staging, holderOf, strayKeyFiles: stray };
}

/** The staging area, or a clear error when no ceremony is in progress. */
export function requireStaging(loaded: LoadedCeremony): StagingArea {
  if (!loaded.staging)
    throw new CeremonyError(
      'STATE_INVALID',
      `${loaded.paths.staged}: no ceremony in progress; run tuf-ceremony stage`,
    );
  return loaded.staging;
}

/** Status of the staged ceremony. */
export function statusOf(loaded: LoadedCeremony): CeremonyStatus {
  const staging = requireStaging(loaded);
  return ceremonyStatus(
    staging.ceremony,
    staging.drafts,
    staging.holders,
    loaded.published,
    loaded.holderOf,
  );
}
