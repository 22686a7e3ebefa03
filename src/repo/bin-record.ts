import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isJsonObject } from '../metadata/json.js';
import { writeFileAtomic } from './atomic-write.js';
import { readBounded } from './read-no-follow.js';
import { toolCacheDir } from './tool-cache.js';

// What this machine found about the bins of a ceremony's bins delegations (TAP 15), so that
// staging one more target of a million re-reads only the bin whose listing changed: "the bin
// listing file with sha256 L gives exactly the targets of the published bin file with sha256 F
// (version V, expires E)". Staging records it for each bin it compared, and for each bin it
// staged the sha256 of the draft instead (D), which finalize turns into the published file once
// it has written it. Facts of content, by digest: a changed listing or bin file simply has no
// fact. The record lives in the tool's cache folder, outside the ceremony repository, so a
// pull request can never supply one; it holds only for the plan file it was made under (the plan
// decides where each path belongs). `publish --check` and `verify` never read it.

/** Largest record read (16,384 bins take about 3 MiB). */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/** What is known about one bin. */
export interface BinFact {
  /** sha256 of the bin's listing file ('' when it has none). */
  listing: string;
  /** sha256 of the published bin file whose targets the listing gives exactly. */
  published?: string;
  /** sha256 of the staged draft (canonical signed bytes) planned from the listing. */
  draft?: string;
  /** The version and expiry of that published bin or draft. */
  version: number;
  expires: string;
}

/** The facts of one ceremony folder, valid under one plan file. */
export interface BinRecord {
  /** sha256 of the plan file the facts were found under. */
  plan: string;
  bins: Map<string, BinFact>;
}

/** Where this machine keeps its bin records: `bins/` in the tool's cache folder. */
export function binRecordsDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(toolCacheDir(env), 'bins');
}

function recordFile(recordsDir: string, ceremonyDir: string): string {
  return join(recordsDir, `${createHash('sha256').update(ceremonyDir).digest('hex')}.json`);
}

function factOf(value: unknown): BinFact | undefined {
  if (!Array.isArray(value) || value.length !== 5) return undefined;
  const [listing, published, draft, version, expires] = value as unknown[];
  if (
    typeof listing !== 'string' ||
    typeof published !== 'string' ||
    typeof draft !== 'string' ||
    typeof version !== 'number' ||
    typeof expires !== 'string'
  )
    return undefined;
  return {
    listing,
    ...(published !== '' ? { published } : {}),
    ...(draft !== '' ? { draft } : {}),
    version,
    expires,
  };
}

/** The record of a ceremony folder; an empty one when there is none or it cannot be read. */
export async function readBinRecord(recordsDir: string, ceremonyDir: string): Promise<BinRecord> {
  const none: BinRecord = { plan: '', bins: new Map() };
  let value: unknown;
  try {
    const bytes = await readBounded(recordFile(recordsDir, ceremonyDir), MAX_RECORD_BYTES);
    if (bytes === undefined) return none;
    value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    // A record only saves work: one that cannot be read is as good as none.
    return none;
  }
  if (
    !isJsonObject(value) ||
    value.dir !== ceremonyDir ||
    typeof value.plan !== 'string' ||
    !isJsonObject(value.bins)
  )
    return none;
  const bins = new Map<string, BinFact>();
  for (const [bin, entry] of Object.entries(value.bins)) {
    const fact = factOf(entry);
    if (fact === undefined) return none;
    bins.set(bin, fact);
  }
  return { plan: value.plan, bins };
}

/** Writes the record; one that cannot be written is skipped (it only saves work). */
export async function writeBinRecord(
  recordsDir: string,
  ceremonyDir: string,
  record: BinRecord,
): Promise<void> {
  const bins: Record<string, unknown> = {};
  for (const [bin, f] of record.bins)
    bins[bin] = [f.listing, f.published ?? '', f.draft ?? '', f.version, f.expires];
  const text = JSON.stringify({ dir: ceremonyDir, plan: record.plan, bins });
  try {
    await writeFileAtomic(recordFile(recordsDir, ceremonyDir), `${text}\n`, 0o600);
  } catch {
    // Read-only or missing cache folder: the next stage compares every bin, as without one.
  }
}
