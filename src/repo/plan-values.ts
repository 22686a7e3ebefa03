import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isJsonObject } from '../metadata/json.js';
import { TOOL_VERSION } from '../publish/tool-version.js';
import { writeFileAtomic } from './atomic-write.js';
import { readBounded } from './read-no-follow.js';

// The value each ceremony.yaml held when this machine last read it with the YAML library, by the
// sha256 of the tool's version and the file's text: a command whose plan is unchanged takes the
// value from here, validates it as always, and never loads the library (a tenth of a short
// command's start). One record per plan file, in the tool's cache folder; a value is kept only
// when JSON carries it exactly (strings, finite numbers, booleans, null, arrays, plain objects).

/** Where this process keeps the records (unset: every plan is parsed). */
let recordsDir: string | undefined;

/** Lets this process take plan values from, and give them to, the records in `dir`. */
export function keepPlanValuesIn(dir: string | undefined): void {
  recordsDir = dir;
}

/** Largest record read (plans are a few KiB). */
const MAX_RECORD_BYTES = 1024 * 1024;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function recordFile(dir: string, planFile: string): string {
  return join(dir, `${sha256(planFile)}.json`);
}

function textKey(text: string): string {
  return sha256(`tuf-ceremony ${TOOL_VERSION}\0${text}`);
}

/** True for a value JSON.stringify then JSON.parse give back exactly. */
function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1));
  if (!isJsonObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(([k, v]) => k !== '__proto__' && isPlainJson(v, depth + 1));
}

/** The value this machine recorded for exactly this text of `planFile`, if any. */
export async function recalledPlanValue(planFile: string, text: string): Promise<unknown> {
  if (recordsDir === undefined) return undefined;
  try {
    const bytes = await readBounded(recordFile(recordsDir, planFile), MAX_RECORD_BYTES);
    const record = bytes && (JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown);
    if (isJsonObject(record) && record.key === textKey(text) && 'value' in record)
      return record.value;
  } catch {
    // A record only saves work: one that cannot be read is as good as none.
  }
  return undefined;
}

/** The JSON text of `value` when JSON carries it exactly, else undefined (nothing to record). */
export function planValueJson(value: unknown): string | undefined {
  return value !== undefined && isPlainJson(value) ? JSON.stringify(value) : undefined;
}

/** Records the value (planValueJson) the YAML library read from `text`. */
export async function recordPlanValue(planFile: string, text: string, json: string): Promise<void> {
  if (recordsDir === undefined) return;
  try {
    await writeFileAtomic(
      recordFile(recordsDir, planFile),
      `{"key":${JSON.stringify(textKey(text))},"value":${json}}\n`,
      0o600,
    );
  } catch {
    // Read-only or missing cache folder: the plan is parsed again next time.
  }
}
