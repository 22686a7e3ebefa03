import { CeremonyError } from '../metadata/errors.js';
import { draftFile } from '../repo/ceremony-paths.js';
import { toDraft } from '../repo/staging-store.js';
import { requireStaging, type LoadedCeremony } from './ceremony-context.js';
import { planFromCeremony, planningTime } from './stage-ceremony.js';

/**
 * Proves the staged drafts are exactly what the committed plan, enrolled keys, target inputs and
 * published repository give (planning re-run at the ceremony's start, its roles forced): a pull
 * request cannot change ceremony.yaml or keys/ beside drafts that do not reflect them, nor slip a
 * hand-made draft past reviewers. Returns a summary line.
 */
export async function checkDraftsFollowPlan(loaded: LoadedCeremony): Promise<string> {
  const staging = requireStaging(loaded);
  const at = planningTime(loaded, 0);
  const planned = await planFromCeremony(loaded, at, staging.ceremony.roles);
  const expected = new Map(
    planned.map((p) => [p.role, toDraft(p.role, { signed: p.signed, signatures: [] }).sha256]),
  );
  const restage = 'run tuf-ceremony stage --restage and commit the new drafts';
  for (const role of staging.ceremony.roles) {
    const sha = staging.drafts.get(role)?.sha256;
    if (expected.get(role) !== sha) {
      throw new CeremonyError(
        'STATE_INVALID',
        `${draftFile(loaded.paths, role)}: is not what ceremony.yaml, keys/ and the target inputs give (sha256 ${sha ?? 'none'}, expected ${expected.get(role) ?? 'no new version'}); ${restage}`,
      );
    }
  }
  const missing = [...expected.keys()].filter((role) => !staging.ceremony.roles.includes(role));
  if (missing.length > 0) {
    throw new CeremonyError(
      'STATE_INVALID',
      `${loaded.paths.stagedCeremony}: ceremony.yaml, keys/ and the target inputs also call for ${missing.join(', ')}; ${restage}`,
    );
  }
  return `staged drafts follow from ceremony.yaml, keys/ and the target inputs (${staging.ceremony.roles.length} role(s))`;
}
