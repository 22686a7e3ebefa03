import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isJsonObject } from '../metadata/json.js';
import { writeFileAtomic } from './atomic-write.js';
import { readBounded } from './read-no-follow.js';
import { toolCacheDir } from './tool-cache.js';

// What this machine's own planning found: "the planning inputs with this digest give drafts with
// these sha256". Staging and every full plan-drift check record it; the next plan-drift check on
// the same machine with the same inputs and the same staged drafts needs no second planning. The
// record lives outside the ceremony repository (like key references), so a pull request can
// never supply one; `publish --check` never reads it.

/** Largest record read: 16,384 bins and more fit in a few MiB. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Planning inputs (by digest) and the sha256 of each draft planning gave from them. */
export interface PlanRecord {
  inputs: string;
  drafts: Readonly<Record<string, string>>;
}

/** Where this machine keeps its planning records: `plans/` in the tool's cache folder. */
export function planRecordsDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(toolCacheDir(env), 'plans');
}

function recordFile(recordsDir: string, ceremonyDir: string): string {
  return join(recordsDir, `${createHash('sha256').update(ceremonyDir).digest('hex')}.json`);
}

/** The record of a ceremony folder, or undefined when there is none or it is unreadable. */
export async function readPlanRecord(
  recordsDir: string,
  ceremonyDir: string,
): Promise<PlanRecord | undefined> {
  let value: unknown;
  try {
    const bytes = await readBounded(recordFile(recordsDir, ceremonyDir), MAX_RECORD_BYTES);
    if (bytes === undefined) return undefined;
    value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    // A record only saves work: one that cannot be read is as good as none.
    return undefined;
  }
  if (
    !isJsonObject(value) ||
    value.dir !== ceremonyDir ||
    typeof value.inputs !== 'string' ||
    !isJsonObject(value.drafts) ||
    !Object.values(value.drafts).every((s) => typeof s === 'string')
  )
    return undefined;
  return { inputs: value.inputs, drafts: value.drafts as Record<string, string> };
}

/** Records what planning gave; a record that cannot be written is skipped (it only saves work). */
export async function writePlanRecord(
  recordsDir: string,
  ceremonyDir: string,
  record: PlanRecord,
): Promise<void> {
  const text = JSON.stringify({ dir: ceremonyDir, inputs: record.inputs, drafts: record.drafts });
  try {
    await writeFileAtomic(recordFile(recordsDir, ceremonyDir), `${text}\n`, 0o600);
  } catch {
    // Read-only or missing cache folder: the next check plans again, as without a record.
  }
}

/** True when the record says planning gave exactly these drafts (same roles, same sha256). */
export function recordMatches(
  record: PlanRecord,
  inputs: string,
  drafts: ReadonlyMap<string, string>,
): boolean {
  if (record.inputs !== inputs) return false;
  const recorded = Object.entries(record.drafts);
  if (recorded.length !== drafts.size) return false;
  return recorded.every(([role, sha]) => drafts.get(role) === sha);
}
