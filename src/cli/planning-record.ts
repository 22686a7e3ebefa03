import { FileDigests } from '../repo/file-digests.js';
import { planInputsDigest } from '../repo/plan-inputs.js';
import { readPlanRecord, recordMatches, writePlanRecord } from '../repo/plan-record.js';
import { TOOL_VERSION } from '../publish/tool-version.js';
import type { LoadedCeremony } from './ceremony-context.js';

// Staging and the plan-drift check of status, review and sign plan from the same inputs; this
// machine's record of what its last planning gave lets a check with unchanged inputs and
// unchanged staged drafts skip planning again (a million listed targets: the listing parsed and
// every path routed). Anything different, or no record, and the check plans in full.

/**
 * The digest of the ceremony's planning inputs before staging decides the ceremony's roles
 * (`onFile` is told the sha256 of each input file as it is hashed). Files whose status is
 * unchanged since this machine last hashed them (records in `recordsDir`) are not read again.
 */
export async function inputsBeforePlanning(
  loaded: LoadedCeremony,
  recordsDir: string,
  onFile?: (path: string, sha256: string) => void,
): Promise<string> {
  const digests = await FileDigests.open(recordsDir, loaded.paths.root);
  const digest = await planInputsDigest({
    root: loaded.paths.root,
    planFile: loaded.paths.plan,
    keys: loaded.keys,
    published: loaded.published,
    context: [`tuf-ceremony ${TOOL_VERSION}`],
    digests,
    ...(onFile ? { onFile } : {}),
  });
  await digests.save();
  return digest;
}

/** The inputs of planning at a ceremony's start with its roles forced (what the check re-runs). */
export function ceremonyInputs(inputs: string, created: string, roles: readonly string[]): string {
  return JSON.stringify([inputs, created, roles]);
}

/** True when this machine's record says planning these inputs gave exactly `drafts`. */
export async function recordedToFollow(
  recordsDir: string,
  loaded: LoadedCeremony,
  inputs: string,
  drafts: ReadonlyMap<string, string>,
): Promise<boolean> {
  const record = await readPlanRecord(recordsDir, loaded.paths.root);
  return record !== undefined && recordMatches(record, inputs, drafts);
}

/** Records that planning `inputs` gave `drafts` (role -> sha256 of its canonical signed bytes). */
export function recordPlanning(
  recordsDir: string,
  loaded: LoadedCeremony,
  inputs: string,
  drafts: ReadonlyMap<string, string>,
): Promise<void> {
  return writePlanRecord(recordsDir, loaded.paths.root, {
    inputs,
    drafts: Object.fromEntries(drafts),
  });
}
