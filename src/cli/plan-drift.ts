import { jsonChanges } from '../ceremony/draft-changes.js';
import { publishedVersion } from '../ceremony/published.js';
import { CeremonyError } from '../metadata/errors.js';
import { sameJson } from '../metadata/same-json.js';
import { requireStaging, type LoadedCeremony } from './ceremony-context.js';
import { planFromCeremony, planningTime } from './stage-ceremony.js';
import {
  ceremonyInputs,
  inputsBeforePlanning,
  recordedToFollow,
  recordPlanning,
} from './planning-record.js';

// Holders sign only what the plan says: `status`, `review` and `sign` re-run planning (as
// `publish --check` does) and compare its drafts with the staged ones.

/** The advice every plan-drift message ends with. */
export const RESTAGE_ADVICE = 'run tuf-ceremony stage --restage';

/**
 * How the staged drafts differ from what ceremony.yaml, keys/ and the target inputs give now
 * (planning re-run at the ceremony's start, its roles forced), one line per difference, e.g.
 * `root: roles.root.threshold 2 -> 3`; empty when they follow. Skipped (empty) once the
 * published repository moved past the versions the ceremony was staged on: a finalize is
 * under way, and planning from its half-written result would report differences nobody made.
 * This machine's record (in `recordsDir`) of an earlier planning over the very same inputs and
 * drafts answers without planning again; a check that plans records what it found.
 */
export async function planDrift(loaded: LoadedCeremony, recordsDir: string): Promise<string[]> {
  const staging = requireStaging(loaded);
  const { roles, base, created } = staging.ceremony;
  const moved = ['root', ...roles].some(
    (role) => base[role] !== undefined && publishedVersion(loaded.published, role) !== base[role],
  );
  if (moved) return [];
  const stagedDrafts = new Map(roles.map((r) => [r, staging.drafts.get(r)?.sha256 ?? '']));
  // Digested before planning reads anything: a file changed meanwhile never gets recorded as
  // giving drafts planned from its older bytes.
  const inputs = ceremonyInputs(await inputsBeforePlanning(loaded, recordsDir), created, roles);
  if (await recordedToFollow(recordsDir, loaded, inputs, stagedDrafts)) return [];
  let planned;
  try {
    planned = await planFromCeremony(loaded, planningTime(loaded, 0), roles);
  } catch (err) {
    if (err instanceof CeremonyError) return [`staging again fails: ${err.message}`];
    throw err;
  }
  const drift: string[] = [];
  // Maps and sets, not list scans: a ceremony of 16,384 bins stages as many roles.
  const plannedByRole = new Map(planned.map((p) => [p.role, p]));
  const staged = new Set(roles);
  for (const role of roles) {
    const now = plannedByRole.get(role);
    const draft = staging.drafts.get(role);
    if (!now) drift.push(`${role}: no longer needs a new version`);
    else if (!draft) drift.push(`${role}: the staged draft is missing`);
    // The staged draft's canonical bytes were checked against its staged sha256 at load: the
    // plan's draft has the same bytes exactly when it is the same JSON value (no second
    // canonicalization of a large role).
    else if (!sameJson(now.signed, draft.metadata.signed))
      drift.push(...jsonChanges(draft.metadata.signed, now.signed).map((c) => `${role}: ${c}`));
  }
  for (const p of planned)
    if (!staged.has(p.role))
      drift.push(`${p.role}: now needs a new version (${p.reasons.join('; ')})`);
  if (drift.length === 0) await recordPlanning(recordsDir, loaded, inputs, stagedDrafts);
  return drift;
}

/**
 * Refuses to go on when the staged drafts no longer follow the plan: holders sign (here or
 * offline) only what ceremony.yaml, keys/ and the target inputs say. `outcome` ends the message
 * (`nothing was signed`).
 */
export async function refuseDrift(
  loaded: LoadedCeremony,
  outcome: string,
  recordsDir: string,
): Promise<void> {
  const refusal = driftMessage(await planDrift(loaded, recordsDir));
  if (refusal !== undefined) throw new CeremonyError('STATE_INVALID', `${refusal}; ${outcome}`);
}

/** The one-line refusal for a drifted ceremony, or undefined when the drafts follow the plan. */
export function driftMessage(drift: readonly string[]): string | undefined {
  if (drift.length === 0) return undefined;
  return `the plan changed after staging: ${drift.join('; ')}; ${RESTAGE_ADVICE}`;
}
